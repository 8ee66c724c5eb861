using System.Threading.Channels;
using Orleans.Profiles.Agent.Service;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Service;

/// <summary>The subscription manager on a fake clock: when it renews, and what makes it look at a user's snapshot.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class CommitNotificationsTests
{
    private static readonly ProfileKey Alice = ProfileKey.Parse(@"CONTOSO\alice");
    private static readonly ProfileKey Bob = ProfileKey.Parse(@"CONTOSO\bob");

    [Fact]
    public async Task Subscriptions_are_renewed_at_start_every_interval_and_at_once_when_the_connection_is_made_again()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"), ServiceHarness.User(@"CONTOSO\bob"));
        service.Options.ResubscribeInterval = TimeSpan.FromMinutes(2);
        service.Options.CheckInterval = TimeSpan.FromHours(1);
        var notifications = service.Notifications();
        var rounds = Channel.CreateUnbounded<int>();
        notifications.Renewed += () => rounds.Writer.TryWrite(service.Store.Calls.Count(c => c.StartsWith("subscribe", StringComparison.Ordinal)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await notifications.StartAsync(CancellationToken.None);
        Assert.Equal(2, await rounds.Reader.ReadAsync(timeout.Token));

        service.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(rounds.Reader.TryRead(out _));
        service.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(4, await rounds.Reader.ReadAsync(timeout.Token));

        // A lost gateway, or a new client after a lost one: the silo holding a subscription may be gone.
        service.Store.RaiseReconnected();
        Assert.Equal(6, await rounds.Reader.ReadAsync(timeout.Token));

        await notifications.StopAsync(CancellationToken.None);
        Assert.Equal(["subscribe contoso\\alice", "subscribe contoso\\bob"], service.Store.Calls.Distinct());
        var activity = service.Activity.Read()[Alice.Value];
        Assert.Equal(("127.0.0.1:11111", service.Time.GetUtcNow()), (activity.SubscribedSilo, activity.SubscribedAt!.Value));
    }

    [Fact]
    public async Task A_subscription_the_silo_did_not_know_and_each_notification_make_one_look_and_the_committing_user_only()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"), ServiceHarness.User(@"CONTOSO\bob"));
        var notifications = service.Notifications();
        service.Store.SubscriptionLost[Alice] = true;

        await notifications.RenewAsync(CancellationToken.None);
        Assert.Equal([new PrefetchRequest(Alice, PrefetchReason.Check)], Drain(service.Prefetches));

        // Through the observer reference the store was given, as the silo calls it.
        var observer = service.Store.Observer!;
        var commit = service.Store.Commit(Bob, "WS-B", service.Time.GetUtcNow());
        await observer.Committed(new ProfileCommitted(Bob.Value, commit, commit.Number));
        await observer.Committed(new ProfileCommitted(Bob.Value, commit, commit.Number));
        await observer.Committed(new ProfileCommitted(@"contoso\mallory", commit, commit.Number));
        Assert.Equal([new PrefetchRequest(Bob, PrefetchReason.Notification)], Drain(service.Prefetches));

        // Once taken off the queue, the next commit queues a look again.
        await observer.Committed(new ProfileCommitted(@"CONTOSO\BOB", commit, commit.Number));
        Assert.Equal([new PrefetchRequest(Bob, PrefetchReason.Notification)], Drain(service.Prefetches));
    }

    [Fact]
    public async Task Every_roaming_user_is_checked_at_start_and_each_check_interval_which_catches_a_lost_notification()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"), ServiceHarness.User(@"CONTOSO\bob"));
        service.Options.ResubscribeInterval = TimeSpan.FromMinutes(5);
        service.Options.CheckInterval = TimeSpan.FromMinutes(3);
        var notifications = service.Notifications();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await notifications.StartAsync(CancellationToken.None);
        Assert.Equal([Alice, Bob], [(await service.Prefetches.ReadAsync(timeout.Token)).Account, (await service.Prefetches.ReadAsync(timeout.Token)).Account]);
        service.Time.Advance(TimeSpan.FromMinutes(3));
        var again = new[] { await service.Prefetches.ReadAsync(timeout.Token), await service.Prefetches.ReadAsync(timeout.Token) };
        await notifications.StopAsync(CancellationToken.None);

        Assert.Equal([new PrefetchRequest(Alice, PrefetchReason.Check), new PrefetchRequest(Bob, PrefetchReason.Check)], again);
    }

    private static List<PrefetchRequest> Drain(PrefetchQueue queue)
    {
        var requests = new List<PrefetchRequest>();
        while (queue.TryRead(out var request))
        {
            requests.Add(request);
        }

        return requests;
    }
}
