using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Profiles.Benchmarks.Support;
using Orleans.Profiles.Tests.EndToEnd;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// Commit notifications for one profile roamed by N workstations (<c>--users</c>, default 1,000) through one silo
/// process: how long from a commit until every subscriber is told, beside what the same workstations would spend
/// learning it by polling (one status call each, all at once, from the same clients).
/// </summary>
public sealed class FanOutFigure : IFigure
{
    /// <summary>Subscribers share a few Orleans clients, as machines share a gateway; one client per machine would measure connections, not the fan-out.</summary>
    private const int Clients = 10;
    private const int Commits = 10;
    private static readonly ProfileKey Profile = ProfileKey.Parse(@"CONTOSO\fanout");

    public string Name => "fanout";

    public string Title => "Commit notifications: fan-out to the workstations of one profile";

    public int Order => 80;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var subscribers = context.Settings.Users ?? BenchmarkSettings.DefaultUsers;
        var silo = context.Own(await SiloProcess.StartAsync(context.NewDirectory("fanout-silo")));
        var gateway = new IPEndPoint(IPAddress.Loopback, silo.GatewayPort);
        var hosts = new List<IHost>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                hosts.Add(await GatewayClient.StartAsync(gateway, cancellationToken));
            }

            var arrivals = new Arrivals(subscribers);
            var factories = hosts.Select(h => h.Services.GetRequiredService<IClusterClient>()).ToArray();
            // Orleans holds client observers weakly: they live as long as this list.
            var held = Enumerable.Range(0, subscribers).Select(i => new Subscriber(arrivals, i)).ToList();
            await Task.WhenAll(Enumerable.Range(0, subscribers).Select(i =>
            {
                var factory = factories[i % Clients];
                var observer = factory.CreateObjectReference<IProfileCommitObserver>(held[i]);
                return factory.GetGrain<IProfileSubscriptionsGrain>(Profile.Value).Subscribe($"WS-{i:00000}", observer);
            }));

            var folder = context.NewDirectory("fanout-profile");
            await using var committer = new SyncClient(gateway, "WS-COMMITTER", context.NewDirectory("fanout-state"));

            // The first commit warms the path (activations, connections); the rest are measured.
            var told = new List<TimeSpan>();
            var latencies = new List<TimeSpan>();
            for (var round = 0; round <= Commits; round++)
            {
                var all = arrivals.Expect();
                await File.WriteAllBytesAsync(Path.Combine(folder, "settings.ini"), BitConverter.GetBytes(round), cancellationToken);
                var pushed = await committer.Sync.PushAsync(Profile, folder, progress: null, cancellationToken);
                var received = await arrivals.WaitAsync(all, TimeSpan.FromMinutes(1), cancellationToken);
                if (round == 0)
                {
                    continue;
                }

                var committedAt = pushed.Snapshot.CommittedAt;
                latencies.AddRange(received.Select(at => at - committedAt));
                told.Add(received.Max() - committedAt);
            }

            // Baseline: the same workstations learning of the commit by each asking once, all at once.
            var polls = new List<TimeSpan>();
            var pollRounds = new List<TimeSpan>();
            for (var round = 0; round <= Commits; round++)
            {
                var clock = Stopwatch.StartNew();
                var calls = await Task.WhenAll(Enumerable.Range(0, subscribers).Select(async i =>
                {
                    var start = clock.Elapsed;
                    await factories[i % Clients].GetProfile(Profile).GetStatus();
                    return clock.Elapsed - start;
                }));
                if (round > 0)
                {
                    polls.AddRange(calls);
                    pollRounds.Add(clock.Elapsed);
                }
            }

            GC.KeepAlive(held);
            var toldMedian = Percentiles.Of(told, 0.5);
            var pollMedian = Percentiles.Of(pollRounds, 0.5);
            return new FigureReport(this)
                .Table(["subscribers", "commits measured", "all told after the commit: p50 / max", "one subscriber told: p50 / p99", "notifications per second", "poll round (one status call each): p50 / max", "one status call: p50 / p99"],
                    [[Number(subscribers), Number(Commits), $"{Ms(toldMedian)} / {Ms(told.Max())}", $"{Ms(Percentiles.Of(latencies, 0.5))} / {Ms(Percentiles.Of(latencies, 0.99))}",
                        Number(subscribers / toldMedian.TotalSeconds), $"{Ms(pollMedian)} / {Ms(pollRounds.Max())}", $"{Ms(Percentiles.Of(polls, 0.5))} / {Ms(Percentiles.Of(polls, 0.99))}"]])
                .Paragraph($"One local-mode silo process; {Number(subscribers)} subscriptions (one per machine name) held by {Clients} Orleans clients in this process, each commit a real push of a changed file by another machine. "
                    + "Times are from the snapshot's commit time (the silo's clock, same host) to the observer's callback. The baseline is what polling costs the cluster to reach the same knowledge once: "
                    + $"every subscriber asks for the profile's status at the same moment. Telling all of them took {Ratio(toldMedian / pollMedian)} the time of one such poll round, and a workstation polls every check interval (5 min) whether or not anything changed.")
                .Target(new TargetCheck($"all {Number(subscribers)} subscribers told within one poll round of the same workstations", toldMedian / pollMedian, 1,
                    Why: "both take a few milliseconds here, one loopback hop from the silo, so the difference is noise; the poll round is what every workstation pays every check interval whether or not anything changed, a notification only when something did."));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync(CancellationToken.None);
                host.Dispose();
            }
        }
    }

    /// <summary>When each subscriber heard of the current commit; completes once all have.</summary>
    private sealed class Arrivals(int subscribers)
    {
        private DateTimeOffset[] _at = new DateTimeOffset[subscribers];
        private int _count;
        private TaskCompletionSource<DateTimeOffset[]> _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<DateTimeOffset[]> Expect()
        {
            _at = new DateTimeOffset[subscribers];
            _count = 0;
            _all = new TaskCompletionSource<DateTimeOffset[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _all.Task;
        }

        public async Task<DateTimeOffset[]> WaitAsync(Task<DateTimeOffset[]> all, TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                return await all.WaitAsync(timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{_count} of {_at.Length} subscribers were told of the commit within {timeout}");
            }
        }

        public void Told(int subscriber)
        {
            _at[subscriber] = DateTimeOffset.UtcNow;
            if (Interlocked.Increment(ref _count) == _at.Length)
            {
                _all.TrySetResult(_at);
            }
        }
    }

    private sealed class Subscriber(Arrivals arrivals, int index) : IProfileCommitObserver
    {
        public Task Committed(ProfileCommitted commit)
        {
            arrivals.Told(index);
            return Task.CompletedTask;
        }
    }
}
