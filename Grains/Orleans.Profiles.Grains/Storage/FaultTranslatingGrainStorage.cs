using Orleans.Profiles.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Orleans.Profiles.Storage;

/// <summary>
/// Grain storage whose failures reach callers as <see cref="StorageUnavailableException"/>. A profile's state
/// is read while its grain activates, before any call filter runs: without this, an agent calling a profile
/// whose state cannot be read would get the storage SDK's own exception, a type it cannot even load.
/// </summary>
public sealed partial class FaultTranslatingGrainStorage(IGrainStorage inner, IStorageFaults faults, ProfileStoreMetrics metrics, ILogger<FaultTranslatingGrainStorage> logger)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => TranslateAsync(() => inner.ReadStateAsync(stateName, grainId, grainState), "read", grainId);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => TranslateAsync(() => inner.WriteStateAsync(stateName, grainId, grainState), "write", grainId);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => TranslateAsync(() => inner.ClearStateAsync(stateName, grainId, grainState), "clear", grainId);

    // The inner storage may set itself up with the silo (Azure creates its container).
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private async Task TranslateAsync(Func<Task> operation, string verb, GrainId grainId)
    {
        try
        {
            await operation();
        }
        catch (Exception ex) when (ex is not InconsistentStateException && faults.Describe(ex) is { } reason)
        {
            // The caller gets the reason only: the exception stays here, in the log, with its paths and URIs.
            metrics.StorageFailures.Add(1);
            LogStorageFailed(logger, ex, verb, grainId, reason);
            throw new StorageUnavailableException(reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not {Verb} the state of {Grain} ({Reason})")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, string verb, GrainId grain, string reason);
}
