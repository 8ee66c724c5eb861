using Orleans.Profiles.Telemetry;
using Microsoft.Extensions.Logging;

namespace Orleans.Profiles.Storage;

/// <summary>
/// Turns a storage failure under a profile grain call into <see cref="StorageUnavailableException"/>: the
/// agent retries it like a lost gateway and, if storage stays down, reports the store unavailable. The
/// full exception stays in the silo's log.
/// </summary>
public sealed partial class StorageFaultFilter(IStorageFaults faults, ProfileStoreMetrics metrics, ILogger<StorageFaultFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (ex is not ProfileStoreException && context.InterfaceMethod?.DeclaringType is { } contract
            && typeof(IProfileContract).IsAssignableFrom(contract) && faults.Describe(ex) is { } reason)
        {
            metrics.StorageFailures.Add(1);
            LogStorageFailed(logger, ex, context.InterfaceMethod.Name, context.TargetId, reason);
            throw new StorageUnavailableException(reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} on {Target} failed in storage ({Reason})")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, string method, GrainId target, string reason);
}
