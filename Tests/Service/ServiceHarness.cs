using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Profiles.Agent.Service;

namespace Orleans.Profiles.Tests.Service;

/// <summary>The service's push logic wired to fakes of Windows and the store, with a fake clock.</summary>
internal sealed class ServiceHarness : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("service-").FullName;

    public ServiceHarness(params RoamingUserOptions[] users)
    {
        Options = new AgentServiceOptions
        {
            Gateways = ["127.0.0.1:30000"],
            Users = [.. users],
            StateDirectory = Path.Combine(_root, "state"),
            LogDirectory = Path.Combine(_root, "logs"),
        };
        Activity = new ServiceActivity(AgentServicePaths.ActivityFile(Options.StateDirectory));
        Pusher = new ProfilePusher(Store, Hives, Activity, Time, NullLogger<ProfilePusher>.Instance);
    }

    public AgentServiceOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));

    public FakeStore Store { get; } = new();

    public FakeHives Hives { get; } = new();

    public FakeSessions Sessions { get; } = new();

    public FakeProfileList ProfileList { get; init; } = new();

    public ServiceActivity Activity { get; }

    public RoamingUsers Users => new(Microsoft.Extensions.Options.Options.Create(Options), ProfileList, NullLogger<RoamingUsers>.Instance);

    public ProfilePusher Pusher { get; }

    public LogoffQueue Logoffs { get; } = new();

    public PrefetchQueue Prefetches { get; } = new();

    public AgentMetrics Metrics { get; } = new();

    /// <summary>What the pre-fetcher logged (the stale-logon warning is checked by its event id).</summary>
    public FakeLogger<ProfilePrefetchService> PrefetchLog { get; } = new();

    public CommitNotifications Notifications()
        => new(Users, Store, Prefetches, Activity, Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<CommitNotifications>.Instance);

    public ProfilePrefetchService Prefetcher()
        => new(Prefetches, Users, Sessions, Hives, Store, Pusher, ProfileList, Activity, Metrics, Microsoft.Extensions.Options.Options.Create(Options), Time, PrefetchLog);

    public LogoffPushService LogoffService()
        => new(Logoffs, Users, Hives, Pusher, Activity, Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<LogoffPushService>.Instance);

    public ProfileSweepService Sweep()
        => new(Users, Sessions, Store, Pusher, Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<ProfileSweepService>.Instance);

    public static RoamingUserOptions User(string account) => new() { Account = account, Folder = $@"C:\Users\{account.Split('\\')[^1]}" };

    public void Dispose()
    {
        Pusher.Dispose();
        Metrics.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
