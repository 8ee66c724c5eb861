using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// At each logoff of a roaming user: waits, bounded, until the profile service has unloaded the hive
/// (<c>NTUSER.DAT</c> opens with no sharing), then pushes the folder. Logoffs are handled side by side,
/// so one user whose hive a stuck process holds does not delay the next; the user never waits for any.
/// </summary>
public sealed class LogoffPushService(
    LogoffQueue logoffs,
    RoamingUsers users,
    IHiveAccess hives,
    ProfilePusher pusher,
    ServiceActivity activity,
    IOptions<AgentServiceOptions> options,
    TimeProvider time,
    ILogger<LogoffPushService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        try
        {
            await foreach (var logoff in logoffs.ReadAllAsync(stoppingToken))
            {
                running.RemoveAll(t => t.IsCompleted);
                var user = users.Resolve().FirstOrDefault(u => u.Account == logoff.Account);
                if (user is null)
                {
                    ServiceLog.LogoffNotRoaming(logger, logoff.SessionId, logoff.Account.Value);
                    continue;
                }

                running.Add(PushAfterUnloadAsync(logoff, user, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running);
    }

    private async Task PushAfterUnloadAsync(SessionLogoff logoff, RoamingUser user, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var started = time.GetTimestamp();
        ServiceLog.LogoffReceived(logger, user.Account, logoff.SessionId, settings.UnloadTimeout);
        await activity.PendingAsync(user, "logged off: waiting for the hive to unload");
        // Made before the first look, so a check interval that passes while the hive is being looked at still counts.
        using var checks = new PeriodicTimer(settings.UnloadCheckInterval, time);
        try
        {
            while (!hives.IsUnloaded(user))
            {
                if (time.GetElapsedTime(started) >= settings.UnloadTimeout)
                {
                    ServiceLog.HiveStillLoaded(logger, user.Account, settings.UnloadTimeout);
                    await activity.PendingAsync(user, $"logged off, but the hive was still loaded {settings.UnloadTimeout} later: the sweep pushes it once unloaded");
                    return;
                }

                await checks.WaitForNextTickAsync(stoppingToken);
            }

            ServiceLog.HiveUnloaded(logger, user.Account, time.GetElapsedTime(started), user.Folder);
            await pusher.PushAsync(user, PushReason.Logoff, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped while waiting: the next start's sweep pushes it.
        }
    }
}
