using Orleans.Profiles.Agent.Service;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Service;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class LogoffPushTests
{
    private static readonly ProfileKey Alice = ProfileKey.Parse(@"CONTOSO\alice");

    [Fact]
    public async Task A_logoff_waits_until_the_hive_is_unloaded_then_pushes_the_folder()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"), ServiceHarness.User(@"CONTOSO\bob"));
        service.Hives.Loaded[Alice] = true;
        using var logoffs = service.LogoffService();
        await logoffs.StartAsync(CancellationToken.None);

        service.Logoffs.Post(new SessionLogoff(2, ProfileKey.Parse(@"contoso\ALICE")));
        Assert.Equal(Alice, await service.Hives.NextCheckAsync());
        Assert.Equal("logged off: waiting for the hive to unload", service.Activity.Read()[Alice.Value].Pending);

        // Three more seconds with the hive held: checked each second, never pushed.
        for (var second = 1; second <= 3; second++)
        {
            service.Time.Advance(service.Options.UnloadCheckInterval);
            Assert.Equal(Alice, await service.Hives.NextCheckAsync());
        }

        Assert.Empty(service.Store.Pushed);
        service.Hives.Loaded[Alice] = false;
        service.Time.Advance(service.Options.UnloadCheckInterval);

        var pushed = await service.Store.NextPushAsync();
        Assert.Equal((Alice, @"C:\Users\alice"), (pushed.Account, pushed.Folder));
        await logoffs.StopAsync(CancellationToken.None);
        var activity = service.Activity.Read()[Alice.Value];
        Assert.Equal((service.Time.GetUtcNow(), 1, PushReason.Logoff, (string?)null), (activity.LastPush!.Value, activity.LastPushSnapshot!.Value, activity.LastPushReason!.Value, activity.Pending));
        Assert.Equal([Alice], service.Store.Pushed);
    }

    [Fact]
    public async Task A_hive_still_loaded_after_the_timeout_is_not_pushed_and_is_left_pending_for_the_sweep()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"));
        service.Options.UnloadTimeout = TimeSpan.FromSeconds(5);
        service.Hives.Loaded[Alice] = true;
        using var logoffs = service.LogoffService();
        await logoffs.StartAsync(CancellationToken.None);

        service.Logoffs.Post(new SessionLogoff(2, Alice));
        for (var check = 0; check <= 5; check++)
        {
            Assert.Equal(Alice, await service.Hives.NextCheckAsync());
            service.Time.Advance(TimeSpan.FromSeconds(1));
        }

        // The logoff gave up: stopping the service returns at once, nothing was pushed.
        await logoffs.StopAsync(CancellationToken.None);
        Assert.Empty(service.Store.Pushed);
        Assert.Equal("logged off, but the hive was still loaded 00:00:05 later: the sweep pushes it once unloaded", service.Activity.Read()[Alice.Value].Pending);
    }

    [Fact]
    public async Task A_logoff_of_a_user_who_does_not_roam_pushes_nothing()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"));
        using var logoffs = service.LogoffService();
        await logoffs.StartAsync(CancellationToken.None);

        service.Logoffs.Post(new SessionLogoff(3, ProfileKey.Parse(@"CONTOSO\mallory")));
        service.Logoffs.Post(new SessionLogoff(2, Alice));

        // Logoffs are taken in order: once alice's is pushed, mallory's was already passed over.
        Assert.Equal(Alice, (await service.Store.NextPushAsync()).Account);
        await logoffs.StopAsync(CancellationToken.None);
        Assert.Equal([Alice], service.Store.Pushed);
        Assert.Equal([Alice.Value], service.Activity.Read().Keys);
    }

    [Fact]
    public void A_logoff_is_known_by_the_user_who_logged_on_in_that_session_even_once_windows_forgets_it()
    {
        var sessions = new FakeSessions((2, @"CONTOSO\alice"));
        var queue = new LogoffQueue();
        var tracker = new SessionTracker(sessions, queue, new PrefetchQueue());

        tracker.LoggedOn(2);
        sessions.Users.Remove(2);
        tracker.LoggedOff(2);
        tracker.LoggedOff(7);

        Assert.True(queue.TryRead(out var logoff));
        Assert.Equal(new SessionLogoff(2, Alice), logoff);
        Assert.False(queue.TryRead(out _));
    }
}
