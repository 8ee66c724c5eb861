using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Profiles.Benchmarks.Load;
using Orleans.Profiles.Local;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// The profile directory behind <c>admin list</c> at 1,000, 10,000 and 100,000 profiles on local storage: the
/// latency of a page, and how many commits a second it keeps up with, one change at a time (a partition that
/// writes each change alone, as it did before group commit) beside a storm's changes all at once.
/// </summary>
public sealed class DirectoryFigure : IFigure
{
    private const int PageSize = ProfileDirectoryQuery.DefaultPageSize;
    private const int PageSamples = 20;
    private const int InTurnUpdates = 300;
    private const int AtOnceUpdates = 3_000;

    /// <summary>A 9 a.m. storm of 100,000 logons in 15 minutes, each followed by a commit at logoff: the rate the directory must keep.</summary>
    private const double StormCommitsPerSecond = 100_000 / (15 * 60.0);

    public string Name => "directory";

    public string Title => "Profile directory: a page of admin list, and directory updates per second";

    public int Order => 85;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        int[] sizes = context.Settings.Quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var data = context.NewDirectory("directory-data");
        var gatewayPort = Programs.FreePort();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(Programs.FreePort(), gatewayPort, serviceId: ProfileSyncOptions.DefaultClusterId, clusterId: ProfileSyncOptions.DefaultClusterId)
            .AddProfileStore()
            .UseLocalProfileStorage(o => o.DataDirectory = data));
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var load = grains.GetGrain<IDirectoryLoadGrain>(0);
            var directory = grains.GetGrain<IProfileDirectoryGrain>(0);
            var rows = new List<IReadOnlyList<string>>();
            var stored = 0;
            var generation = 1;
            double atOnceAtLargest = 0, inTurnAtLargest = 0;
            foreach (var size in sizes)
            {
                for (; stored < size; stored += AtOnceUpdates)
                {
                    await load.UpdateAtOnce([.. Enumerable.Range(stored, Math.Min(AtOnceUpdates, size - stored)).Select(i => Listing(i, generation))]);
                }

                stored = size;
                generation++;
                var inTurn = await RateAsync(() => load.UpdateInTurn([.. Spread(size, InTurnUpdates).Select(i => Listing(i, generation))]), InTurnUpdates);
                var atOnce = await RateAsync(() => load.UpdateAtOnce([.. Spread(size, AtOnceUpdates).Select(i => Listing(i, generation + 1))]), AtOnceUpdates);
                generation += 2;
                (atOnceAtLargest, inTurnAtLargest) = (atOnce, inTurn);

                var first = await PageLatencyAsync(directory, new ProfileDirectoryQuery([], ProfileSort.Account, PageSize), size);
                var token = (await directory.List(new ProfileDirectoryQuery([], ProfileSort.Account, PageSize))).NextPageToken;
                var later = await PageLatencyAsync(directory, new ProfileDirectoryQuery([], ProfileSort.Account, PageSize, token), size);
                var bySize = await PageLatencyAsync(directory, new ProfileDirectoryQuery([], ProfileSort.Size, PageSize), size);
                var filtered = await PageLatencyAsync(directory, new ProfileDirectoryQuery(["bytes>1G"], ProfileSort.Account, PageSize), size);
                var partitionBytes = Directory.EnumerateFiles(Path.Combine(data, "grain-state"), "*", SearchOption.AllDirectories)
                    .Where(f => f.Contains("directory", StringComparison.OrdinalIgnoreCase)).Sum(f => new FileInfo(f).Length);
                rows.Add([Number(size), Ms(first), Ms(later), Ms(bySize), Ms(filtered), Number(inTurn), Number(atOnce), Ratio(atOnce / inTurn), Bytes(partitionBytes / Admin.ProfileDirectory.Partitions)]);
                context.Log.WriteLine($"directory: {size:N0} profiles, page {first.TotalMilliseconds:0.0} ms, {inTurn:0}/s in turn, {atOnce:0}/s at once");
            }

            // What the administrator runs: the agent's command line against the largest directory, beside its own start-up.
            var largest = sizes[^1];
            var stateDirectory = context.NewDirectory("directory-agent");
            var startup = await AgentRunAsync(gatewayPort, stateDirectory, "status", "--user", @"CONTOSO\user000000");
            var list = await AgentRunAsync(gatewayPort, stateDirectory, "admin", "list", "--page-size", "100");
            var troubled = await AgentRunAsync(gatewayPort, stateDirectory, "admin", "list", "--sort", "size", "--filter", "bytes>1G");
            return new FigureReport(this)
                .Table(["profiles", "page of 100 by account: first", "second (its token)", "by size", "filtered (bytes>1G)", "updates/s, one at a time (baseline)", "updates/s, a storm's at once", "at once / one at a time", "one partition's stored state (what each write stores)"], rows)
                .Paragraph($"An in-process silo on local storage (one state file per partition, {Admin.ProfileDirectory.Partitions} partitions), the directory filled by listings announced from a grain as the profile grains announce them. "
                    + $"Page latency is the median of {PageSamples} calls of `IProfileDirectoryGrain.List` (what `admin list` calls), the second page through the first page's token. "
                    + $"Updates: {InTurnUpdates} changed listings one after another (each waits for its partition's write: the rate of a partition that writes every change alone, the baseline), then {AtOnceUpdates:N0} at once, spread over all the profiles (group commit: changes arriving during a write share the next). "
                    + $"A 9 a.m. storm of 100,000 logons in 15 minutes commits {StormCommitsPerSecond:0} times a second.")
                .Table(["from the command line, " + Number(largest) + " profiles", "agent process, start to exit (median of 3)", "beyond a `status` run (the agent's start-up and connection)"],
                    [["`profiles-agent status --user …` (the baseline)", Ms(startup), "—"],
                     ["`profiles-agent admin list --page-size 100`", Ms(list), Ms(list - startup)],
                     ["`profiles-agent admin list --sort size --filter bytes>1G`", Ms(troubled), Ms(troubled - startup)]])
                .Target(new TargetCheck($"directory updates at {largest:N0} profiles keep up with a 100,000-user storm's {StormCommitsPerSecond:0} commits/s", atOnceAtLargest / StormCommitsPerSecond, 1, AtLeast: true,
                    Why: $"one at a time it managed {inTurnAtLargest:0}/s"));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The median of three runs of the agent, after one run not counted (the first run pays for disk caches and activations).</summary>
    private static async Task<TimeSpan> AgentRunAsync(int gatewayPort, string stateDirectory, params string[] args)
    {
        var runs = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            runs.Add(await AgentRunOnceAsync(gatewayPort, stateDirectory, args));
        }

        return runs.Skip(1).Order().ElementAt(1);
    }

    private static async Task<TimeSpan> AgentRunOnceAsync(int gatewayPort, string stateDirectory, string[] args)
    {
        var clock = Stopwatch.StartNew();
        await using var agent = ChildProcess.Start(Programs.AgentPath, [.. args, "--gateway", $"127.0.0.1:{gatewayPort}", "--state-dir", stateDirectory, "--json"]);
        var exitCode = await agent.WaitForExitAsync();
        var elapsed = clock.Elapsed;
        return exitCode == 0 ? elapsed : throw new InvalidOperationException($"profiles-agent {string.Join(' ', args)} exited {exitCode}:\n{agent.StandardOutput}\n{agent.StandardError}");
    }

    private static ProfileListing Listing(int i, int generation)
        => new($@"CONTOSO\user{i:000000}", generation, Math.Min(generation, 10), 1_000_000L + i * 37L + generation, DateTimeOffset.UnixEpoch.AddDays(20_000).AddMinutes(i + generation), $"WS-{i % 5000:0000}", [], [], []);

    /// <summary><paramref name="count"/> profiles spread evenly over the first <paramref name="size"/>.</summary>
    private static IEnumerable<int> Spread(int size, int count) => Enumerable.Range(0, count).Select(k => (int)((long)k * size / count));

    private static async Task<double> RateAsync(Func<Task> updates, int count)
    {
        var clock = Stopwatch.StartNew();
        await updates();
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<TimeSpan> PageLatencyAsync(IProfileDirectoryGrain directory, ProfileDirectoryQuery query, int size)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i <= PageSamples; i++)
        {
            var clock = Stopwatch.StartNew();
            var page = await directory.List(query);
            if (i > 0)
            {
                times.Add(clock.Elapsed);
            }

            if (query.Filters.IsEmpty && query.PageToken is null && page.Profiles.Length != Math.Min(PageSize, size))
            {
                throw new InvalidOperationException($"A page of {PageSize} at {size:N0} profiles held {page.Profiles.Length}.");
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
