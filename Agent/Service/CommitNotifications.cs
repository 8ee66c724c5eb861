using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// Keeps this machine subscribed to the commits of every roaming user and turns what it hears into looks at
/// their current snapshot (<see cref="PrefetchQueue"/>): a notification from the cluster at once; a renewal
/// that the silo found new (the first, or one lost with a silo) at once, since commits in between were not
/// told; and every user every <see cref="AgentServiceOptions.CheckInterval"/>, which catches any notification
/// lost on the way. Subscriptions are renewed every <see cref="AgentServiceOptions.ResubscribeInterval"/> and
/// as soon as the connection to the store is made again or loses a gateway.
/// </summary>
public sealed class CommitNotifications(
    RoamingUsers users,
    IProfileStoreClient store,
    PrefetchQueue prefetches,
    ServiceActivity activity,
    IOptions<AgentServiceOptions> options,
    TimeProvider time,
    ILogger<CommitNotifications> logger) : BackgroundService, IProfileCommitObserver
{
    private readonly SemaphoreSlim _renewNow = new(0, 1);
    private readonly HashSet<ProfileKey> _failing = [];

    /// <summary>Raised after each round of renewals (tests wait on it).</summary>
    public event Action? Renewed;

    public Task Committed(ProfileCommitted commit)
    {
        if (ProfileKey.TryParse(commit.Profile, out var account) && users.Resolve().Any(u => u.Account == account))
        {
            prefetches.Post(new PrefetchRequest(account, PrefetchReason.Notification));
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        store.Reconnected += RenewNow;
        try
        {
            await Task.WhenAll(RenewLoopAsync(stoppingToken), CheckLoopAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            store.Reconnected -= RenewNow;
        }
    }

    /// <summary>Renews every roaming user's subscription now.</summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        foreach (var user in users.Resolve())
        {
            try
            {
                var subscription = await store.SubscribeAsync(user, this, cancellationToken);
                _failing.Remove(user.Account);
                await activity.SubscribedAsync(user, subscription.Silo, time.GetUtcNow());
                if (subscription.IsNew)
                {
                    prefetches.Post(new PrefetchRequest(user.Account, PrefetchReason.Check));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Said once while it lasts: the store may be down for an hour.
                if (_failing.Add(user.Account))
                {
                    ServiceLog.SubscribeFailed(logger, user.Account, ex.Message, settings.CheckInterval);
                }
            }
        }

        Renewed?.Invoke();
    }

    public void Check()
    {
        foreach (var user in users.Resolve())
        {
            prefetches.Post(new PrefetchRequest(user.Account, PrefetchReason.Check));
        }
    }

    private void RenewNow()
    {
        try
        {
            _renewNow.Release();
        }
        catch (SemaphoreFullException)
        {
            // A renewal is already due.
        }
    }

    private async Task RenewLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ResubscribeInterval, time);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        var now = _renewNow.WaitAsync(stoppingToken);
        while (true)
        {
            await RenewAsync(stoppingToken);
            var due = await Task.WhenAny(tick, now);
            await due;
            if (due == tick)
            {
                tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            }
            else
            {
                now = _renewNow.WaitAsync(stoppingToken);
            }
        }
    }

    private async Task CheckLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        do
        {
            Check();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
