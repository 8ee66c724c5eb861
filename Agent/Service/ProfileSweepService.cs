using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// At start and then every <see cref="AgentServiceOptions.SweepInterval"/>: pushes every roaming user who is
/// not logged on and whose folder changed since the last sync. It catches what the logoff push missed: a
/// lost event, a hive unloaded late, a service restart, a push cut by a power cut.
/// </summary>
public sealed class ProfileSweepService(
    RoamingUsers users,
    ILoggedOnUsers sessions,
    IProfileStoreClient uploader,
    ProfilePusher pusher,
    IOptions<AgentServiceOptions> options,
    TimeProvider time,
    ILogger<ProfileSweepService> logger) : BackgroundService
{
    private readonly TaskCompletionSource _firstSweep = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first sweep (the one at start) has finished.</summary>
    public Task FirstSweep => _firstSweep.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            do
            {
                await SweepAsync(stoppingToken);
                _firstSweep.TrySetResult();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var loggedOn = sessions.CurrentOrNone(logger);
        int pushed = 0, unchanged = 0, skipped = 0, failed = 0;
        foreach (var user in users.Resolve())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (loggedOn.Contains(user.Account))
            {
                skipped++;
                continue;
            }

            bool changed;
            try
            {
                changed = await uploader.HasChangesAsync(user, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ServiceLog.PushFailed(logger, user.Account, user.Folder, PushReason.Sweep, ex.Message);
                failed++;
                continue;
            }

            if (!changed)
            {
                unchanged++;
                continue;
            }

            switch (await pusher.PushAsync(user, PushReason.Sweep, cancellationToken))
            {
                case PushOutcome.Pushed:
                    pushed++;
                    break;
                case PushOutcome.Unchanged:
                    unchanged++;
                    break;
                case PushOutcome.HiveLoaded:
                    skipped++;
                    break;
                default:
                    failed++;
                    break;
            }
        }

        ServiceLog.SweepFinished(logger, pushed, unchanged, skipped, failed);
    }
}
