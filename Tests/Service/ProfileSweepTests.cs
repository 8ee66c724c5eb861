using Orleans.Profiles.Agent.Service;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Service;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ProfileSweepTests
{
    private static readonly ProfileKey Alice = ProfileKey.Parse(@"CONTOSO\alice");
    private static readonly ProfileKey Bob = ProfileKey.Parse(@"CONTOSO\bob");
    private static readonly ProfileKey Carol = ProfileKey.Parse(@"CONTOSO\carol");
    private static readonly ProfileKey Dave = ProfileKey.Parse(@"CONTOSO\dave");

    [Fact]
    public async Task A_sweep_pushes_only_users_who_are_not_logged_on_whose_folder_changed_and_whose_hive_is_unloaded()
    {
        using var service = new ServiceHarness(
            ServiceHarness.User(@"CONTOSO\alice"), ServiceHarness.User(@"CONTOSO\bob"), ServiceHarness.User(@"CONTOSO\carol"), ServiceHarness.User(@"CONTOSO\dave"));
        service.Sessions.Users[1] = Alice;          // logged on at the console
        service.Store.Changed[Bob] = false;      // nothing changed since the last sync
        service.Hives.Loaded[Dave] = true;          // not logged on by the sessions API, but the hive is loaded

        await service.Sweep().SweepAsync(CancellationToken.None);

        Assert.Equal([Carol], service.Store.Pushed);
        Assert.Equal([Carol.Value], service.Activity.Read().Keys);
        Assert.Equal(PushReason.Sweep, service.Activity.Read()[Carol.Value].LastPushReason);
    }

    [Fact]
    public async Task The_service_sweeps_at_start_and_again_each_interval()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"));
        service.Options.SweepInterval = TimeSpan.FromMinutes(5);
        using var sweep = service.Sweep();
        await sweep.StartAsync(CancellationToken.None);

        // At start: what a power cut or a stopped service left unpushed goes now.
        Assert.Equal(Alice, (await service.Store.NextPushAsync()).Account);
        await sweep.FirstSweep;
        service.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Alice, (await service.Store.NextPushAsync()).Account);

        await sweep.StopAsync(CancellationToken.None);
        Assert.Equal([Alice, Alice], service.Store.Pushed);
    }

    [Fact]
    public async Task When_the_sessions_cannot_be_listed_only_a_user_with_an_unloaded_hive_is_pushed()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"), ServiceHarness.User(@"CONTOSO\bob"));
        service.Sessions.Fail = true;
        service.Hives.Loaded[Alice] = true;

        await service.Sweep().SweepAsync(CancellationToken.None);

        Assert.Equal([Bob], service.Store.Pushed);
    }

    [Fact]
    public async Task A_failed_push_is_left_pending_with_its_reason_and_the_next_sweep_pushes_it()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"));
        service.Store.OnPush = _ => throw new Sync.StoreUnreachableException("the profile store is unavailable: no gateway answered", new TimeoutException());

        await service.Sweep().SweepAsync(CancellationToken.None);
        Assert.Equal("push at Sweep failed: the profile store is unavailable: no gateway answered", service.Activity.Read()[Alice.Value].Pending);

        service.Store.OnPush = null;
        await service.Sweep().SweepAsync(CancellationToken.None);
        Assert.Equal([Alice], service.Store.Pushed);
        Assert.Null(service.Activity.Read()[Alice.Value].Pending);
    }

    [Fact]
    public async Task Stopping_lets_the_push_in_flight_finish()
    {
        using var service = new ServiceHarness(ServiceHarness.User(@"CONTOSO\alice"));
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        service.Store.OnPush = async _ =>
        {
            started.SetResult();
            await release.Task;
        };
        using var sweep = service.Sweep();
        await sweep.StartAsync(CancellationToken.None);
        await started.Task;

        var stopping = Task.WhenAll(sweep.StopAsync(CancellationToken.None), service.Pusher.StopAsync(CancellationToken.None));
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        await stopping;

        Assert.Equal([Alice], service.Store.Pushed);
        Assert.Equal(1, service.Activity.Read()[Alice.Value].LastPushSnapshot);
    }
}
