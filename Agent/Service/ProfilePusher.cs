using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// Pushes one profile at a time, only once its hive is unloaded, and records the outcome for
/// <c>service status</c>. At stop a push in flight gets the host's shutdown timeout to finish; one cut
/// short (or by a power cut) is pushed again by the next start's sweep, resuming what the store has.
/// </summary>
public sealed class ProfilePusher(IProfileStoreClient uploader, IHiveAccess hives, ServiceActivity activity, TimeProvider time, ILogger<ProfilePusher> logger)
    : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly CancellationTokenSource _abort = new();

    /// <summary>Pushes <paramref name="user"/>'s folder unless the hive is loaded; false when it was not pushed.</summary>
    public Task<PushOutcome> PushAsync(RoamingUser user, PushReason reason, CancellationToken cancellationToken)
        => ExclusiveAsync(_ => PushHeldAsync(user, reason), cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> with no push (nor other such work) beside it: a pre-fetch pushes and pulls in
    /// one hold. The token it is given is cut when a stop's timeout runs out.
    /// </summary>
    public async Task<T> ExclusiveAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            return await work(_abort.Token);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>The push itself; only inside <see cref="ExclusiveAsync"/>.</summary>
    public async Task<PushOutcome> PushHeldAsync(RoamingUser user, PushReason reason)
    {
        try
        {
            // Checked again right before the push: the user may have logged on since the caller looked.
            if (!hives.IsUnloaded(user))
            {
                ServiceLog.HiveLoaded(logger, user.Account, reason);
                return PushOutcome.HiveLoaded;
            }

            var result = await uploader.PushAsync(user, _abort.Token);
            await activity.PushedAsync(user, result.Snapshot.Number, reason, time.GetUtcNow());
            if (result.Unchanged)
            {
                ServiceLog.Unchanged(logger, user.Account, user.Folder, reason, result.Snapshot.Number);
                return PushOutcome.Unchanged;
            }

            ServiceLog.Pushed(logger, user.Account, user.Folder, reason, result.Snapshot.Number, result.Files, result.Bytes, result.ChunksSent, result.TotalChunks, result.BytesSent);
            return PushOutcome.Pushed;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || _abort.IsCancellationRequested)
        {
            var error = ex is OperationCanceledException ? "the service stopped before it finished" : ex.Message;
            ServiceLog.PushFailed(logger, user.Account, user.Folder, reason, error);
            await activity.PendingAsync(user, $"push at {reason} failed: {error}");
            return PushOutcome.Failed;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Waits for the push in flight until the host's shutdown timeout, then cuts it.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _one.WaitAsync(cancellationToken);
            _one.Release();
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
        }
    }

    public void Dispose()
    {
        _abort.Dispose();
        _one.Dispose();
    }
}
