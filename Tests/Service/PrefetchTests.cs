using Orleans.Profiles.Agent.Service;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Service;

/// <summary>The pre-fetch: what it pulls, what it leaves, what it pushes first, and the stale-logon warning.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PrefetchTests
{
    private static readonly ProfileKey Alice = ProfileKey.Parse(@"CONTOSO\alice");
    private static readonly ProfileKey Bob = ProfileKey.Parse(@"CONTOSO\bob");

    [Fact]
    public async Task Another_machines_commit_is_pulled_for_a_user_not_logged_on_with_its_commit_to_current_time_and_a_first_profile_is_registered()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"));
        service.Store.Commit(Alice, "WS-B", service.Time.GetUtcNow());
        service.Time.Advance(TimeSpan.FromSeconds(3));
        service.ProfileList.Sids[Alice] = "S-1-5-21-1-2-3-1001";
        service.Store.Changed[Alice] = false;

        var outcome = await service.Prefetcher().LookAsync(User(service, Alice), PrefetchReason.Notification, CancellationToken.None);

        Assert.Equal(PrefetchOutcome.Fetched, outcome);
        Assert.Equal(["pull contoso\\alice"], service.Store.Calls);
        var activity = service.Activity.Read()[Alice.Value];
        Assert.Equal((1, 1, TimeSpan.FromSeconds(3), service.Time.GetUtcNow()), (activity.LastPullSnapshot!.Value, activity.StoreSnapshot!.Value, activity.CommitToCurrent!.Value, activity.LastPull!.Value));
        // Never on this machine before: registered, so that Windows adopts the folder at the first logon.
        Assert.Equal([new ProfileListEntry("S-1-5-21-1-2-3-1001", null, @"C:\Users\alice")], service.ProfileList.Read());

        // The same snapshot again (a second notification, the check): nothing to do.
        Assert.Equal(PrefetchOutcome.Current, await service.Prefetcher().LookAsync(User(service, Alice), PrefetchReason.Check, CancellationToken.None));
        Assert.Equal(["pull contoso\\alice"], service.Store.Calls);
    }

    [Fact]
    public async Task A_user_logged_on_here_or_whose_hive_is_loaded_is_not_pulled_and_prefetch_off_pulls_no_one()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"), ServiceHarness.User(@"CONTOSO\bob"));
        service.Store.Commit(Alice, "WS-B", service.Time.GetUtcNow());
        service.Store.Commit(Bob, "WS-B", service.Time.GetUtcNow());
        service.Sessions.Users[1] = Alice;
        service.Hives.Loaded[Bob] = true;

        Assert.Equal(PrefetchOutcome.Deferred, await service.Prefetcher().LookAsync(User(service, Alice), PrefetchReason.Notification, CancellationToken.None));
        Assert.Equal(PrefetchOutcome.Deferred, await service.Prefetcher().LookAsync(User(service, Bob), PrefetchReason.Notification, CancellationToken.None));
        service.Hives.Loaded[Bob] = false;
        service.Options.Prefetch = false;
        Assert.Equal(PrefetchOutcome.Deferred, await service.Prefetcher().LookAsync(User(service, Bob), PrefetchReason.Check, CancellationToken.None));

        Assert.Empty(service.Store.Calls);
        Assert.Equal(1, service.Activity.Read()[Bob.Value].StoreSnapshot);
    }

    [Theory]
    [InlineData(false, new[] { "push contoso\\alice" }, 3)]
    [InlineData(true, new[] { "push contoso\\alice", "pull contoso\\alice" }, 2)]
    public async Task Changes_not_pushed_are_pushed_before_the_pull_and_the_conflict_policy_decides_what_is_current_here(bool keepCurrent, string[] calls, int current)
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"));
        service.Store.KeepCurrentOnConflict = keepCurrent;
        service.Store.Commit(Alice, "WS-A", service.Time.GetUtcNow());
        service.Store.Synced[Alice] = 1;
        service.Store.Commit(Alice, "WS-B", service.Time.GetUtcNow());
        service.Store.Changed[Alice] = true;

        await service.Prefetcher().LookAsync(User(service, Alice), PrefetchReason.Notification, CancellationToken.None);

        Assert.Equal(calls, service.Store.Calls);
        Assert.Equal((current, current), (service.Store.Current[Alice].Number, service.Store.Synced[Alice]));
        Assert.Equal(PushReason.BeforePrefetch, service.Activity.Read()[Alice.Value].LastPushReason);
    }

    [Fact]
    public async Task A_logon_while_the_store_holds_a_newer_snapshot_is_warned_about_naming_both_even_when_the_store_is_unreachable()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"), ServiceHarness.User(@"CONTOSO\bob"));
        service.Store.Commit(Alice, "WS-A", service.Time.GetUtcNow());
        service.Store.Synced[Alice] = 1;
        service.Store.Commit(Alice, "WS-B", new DateTimeOffset(2026, 12, 3, 8, 30, 0, TimeSpan.Zero));
        service.Sessions.Users[1] = Alice;
        var tracker = new SessionTracker(service.Sessions, service.Logoffs, service.Prefetches);

        tracker.LoggedOn(1);
        Assert.True(service.Prefetches.TryRead(out var logon));
        Assert.Equal(new PrefetchRequest(Alice, PrefetchReason.Logon), logon);
        Assert.Equal(PrefetchOutcome.Stale, await service.Prefetcher().LookAsync(User(service, Alice), logon.Reason, CancellationToken.None));

        var warning = Assert.Single(service.PrefetchLog.Collector.GetSnapshot(), r => r.Id.Id == ServiceEvents.StaleLogon.Id);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.StartsWith(@"contoso\alice logged on with snapshot 1 while the store holds snapshot 2 (committed by WS-B at 2026-12-03 08:30:00Z; ", warning.Message, StringComparison.Ordinal);
        Assert.Equal("logged on with snapshot 1 while the store held 2: the next logoff's push is a conflict, both kept in history", service.Activity.Read()[Alice.Value].StaleLogon);
        Assert.Empty(service.Store.Calls);

        // The store unreachable at logon: the last snapshot it was known to hold still warns.
        service.Store.StatusFailure = new Sync.StoreUnreachableException("no gateway answered", new TimeoutException());
        Assert.Equal(PrefetchOutcome.Stale, await service.Prefetcher().LookAsync(User(service, Alice), PrefetchReason.Logon, CancellationToken.None));
        // Bob's machine is current: no warning.
        service.Store.StatusFailure = null;
        service.Store.Commit(Bob, "WS-B", service.Time.GetUtcNow());
        service.Store.Synced[Bob] = 1;
        Assert.Equal(PrefetchOutcome.Current, await service.Prefetcher().LookAsync(User(service, Bob), PrefetchReason.Logon, CancellationToken.None));
        Assert.Equal(2, service.PrefetchLog.Collector.GetSnapshot().Count(r => r.Id.Id == ServiceEvents.StaleLogon.Id));

        // The next push clears it from service status.
        await service.Pusher.PushAsync(User(service, Alice), PushReason.Logoff, CancellationToken.None);
        Assert.Null(service.Activity.Read()[Alice.Value].StaleLogon);
    }

    private static RoamingUser User(ServiceHarness service, ProfileKey account) => service.Users.Resolve().Single(u => u.Account == account);
}
