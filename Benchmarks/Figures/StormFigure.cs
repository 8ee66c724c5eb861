using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Orleans.Profiles.Benchmarks.Support;
using Orleans.Profiles.Tests.EndToEnd;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// N users (<c>--users</c>) with a 1 MiB hive each through one silo process in Azure mode on Azurite: a logon storm (every
/// user pulls at once onto a workstation that never synced) beside raw parallel <c>DownloadToAsync</c> of the same bytes from
/// the same Azurite, and a logoff storm (every user pushes an edited hive at once) beside raw parallel <c>UploadAsync</c>.
/// While each storm runs, a separate client asks one of the busy profiles for its status again and again: how long a
/// status call waits is what a turn blocking the grain would show; the silo's own long-turn warnings are counted too.
/// </summary>
public sealed partial class StormFigure : IFigure
{
    private const string LogonWhy = "a pull is a manifest read, chunk reads and a verification of every chunk and file with an fsync of each, "
        + "where the baseline is one download into a file; on this machine the silo, Azurite (one Node.js process serving every storage request) and the 200 users' clients share 2 cores, "
        + "so the CPU the verification needs is taken from storage. Closing it: a silo with cores of its own, and reading a profile's chunks in fewer, larger reads.";

    private const string LogoffWhy = "a delta push is about 21 storage requests (base manifest and pages, session manifest, state and directory writes, the block, the staging index, the block list, "
        + "the verification's read of the whole new hive, the snapshot manifest, state and directory again, a delete; the `storage` figure counts them) where the baseline is one upload, "
        + "all served by one Azurite process on the same 2 cores. Closing it: fewer requests per commit (keep the base manifest read at begin for the commit, no staging index for a session staged "
        + "entirely in its begin call, one directory write per commit instead of two).";

    /// <summary>Users share a few Orleans clients, as workstations share gateways; one per user would measure connections.</summary>
    private const int Clients = 8;

    /// <summary>Pages edited in each hive before the logoff storm (the base block among them).</summary>
    private const int EditedPages = 8;

    public string Name => "storm";

    public string Title => "Logon and logoff storms through one silo";

    public int Order => 50;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var users = context.Settings.Users ?? BenchmarkSettings.DefaultStormUsers;
        var bytes = BenchmarkSettings.DefaultStormProfileBytes;
        var pages = bytes / HiveGenerator.PageSize;
        // Each user stands for a workstation of its own: the Sync library's fsyncs block a thread each (an agent runs one
        // transfer at a time), so this process gets a thread per user rather than the thread pool's slow injection.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, users + 32), io);
        var azurite = await context.AzuriteAsync(cancellationToken);
        var silo = context.Own(await SiloProcess.StartAsync(context.NewDirectory("storm-silo"), "--storage", "azure", "--azure-connection-string", azurite.ConnectionString));
        var gateway = new IPEndPoint(IPAddress.Loopback, silo.GatewayPort);
        var root = context.NewDirectory("storm");
        var keys = Enumerable.Range(0, users).Select(i => ProfileKey.Parse($@"CONTOSO\storm{i:00000}")).ToArray();
        string Folder(string workstation, int user) => Path.Combine(root, workstation, $"{user:00000}");
        string Hive(string workstation, int user) => Path.Combine(Folder(workstation, user), "NTUSER.DAT");

        var clients = new List<SyncClient>();
        try
        {
            // Workstation A logged every user off once (not measured): the store then holds one snapshot of each.
            var a = Enumerable.Range(0, Clients).Select(k => Own(clients, new SyncClient(gateway, $"WS-A{k}", Path.Combine(root, "state-a", $"{k}")))).ToArray();
            var b = Enumerable.Range(0, Clients).Select(k => Own(clients, new SyncClient(gateway, $"WS-B{k}", Path.Combine(root, "state-b", $"{k}")))).ToArray();
            var probe = Own(clients, new SyncClient(gateway, "WS-PROBE", Path.Combine(root, "state-probe")));
            for (var i = 0; i < users; i++)
            {
                Directory.CreateDirectory(Folder("a", i));
                await File.WriteAllBytesAsync(Hive("a", i), HiveGenerator.Hive(pages, seed: 5000 + i), cancellationToken);
            }

            context.Log.WriteLine($"storm: {users} profiles of {bytes} B pushed once from workstation A");
            await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (i, ct) => await a[i % Clients].Sync.PushAsync(keys[i], Folder("a", i), progress: null, ct));
            await probe.Sync.GetStatusAsync(keys[0], cancellationToken);

            var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("storm-raw");
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (i, ct) => await container.GetBlobClient($"{i:00000}").UploadAsync(Hive("a", i), overwrite: true, ct));

            // Logon storm: every user on workstation B at once; B never synced, so each pull is whole.
            var turnsBefore = LongTurns(silo.Process.StandardOutput + silo.Process.StandardError);
            context.Log.WriteLine("storm: logon storm");
            var logon = await StormAsync(users, probe, keys, (i, ct) => b[i % Clients].Sync.PullAsync(keys[i], Folder("b", i), 0, force: false, progress: null, ct), cancellationToken);
            for (var i = 0; i < users; i++)
            {
                Directory.CreateDirectory(Folder("raw-b", i));
            }

            var rawLogon = await StormAsync(users, null, keys, (i, ct) => container.GetBlobClient($"{i:00000}").DownloadToAsync(Hive("raw-b", i), ct), cancellationToken);

            // Logoff storm: each user's hive edited on B, then every user pushes at once (a delta against the snapshot B pulled).
            for (var i = 0; i < users; i++)
            {
                var hive = await File.ReadAllBytesAsync(Hive("b", i), cancellationToken);
                await File.WriteAllBytesAsync(Hive("b", i), HiveGenerator.Edit(hive, HiveGenerator.SpreadPages(pages, EditedPages, seed: i), bytesPerPage: 96, seed: i), cancellationToken);
            }

            context.Log.WriteLine("storm: logoff storm");
            var logoff = await StormAsync(users, probe, keys, (i, ct) => b[i % Clients].Sync.PushAsync(keys[i], Folder("b", i), progress: null, ct), cancellationToken);
            var rawLogoff = await StormAsync(users, null, keys, (i, ct) => container.GetBlobClient($"{i:00000}").UploadAsync(Hive("b", i), overwrite: true, ct), cancellationToken);
            var turns = LongTurns(silo.Process.StandardOutput + silo.Process.StandardError).Skip(turnsBefore.Count).ToList();

            var total = (double)users * bytes;
            IReadOnlyList<string> Row(string what, Storm s) =>
                [what, $"{Number(total / s.Wall.TotalSeconds / 1e6, "0.0")} MB/s", Ms(s.Wall), $"{Ms(Percentiles.Of(s.Times, 0.5))} / {Ms(Percentiles.Of(s.Times, 0.95))} / {Ms(Percentiles.Of(s.Times, 0.99))}", Number(s.Failed)];
            var report = new FigureReport(this)
                .Table(["storm", "throughput (profile bytes / wall time)", "wall time", "per user p50 / p95 / p99", "failed"],
                [
                    Row("logon: pull, this project", logon), Row("logon: raw DownloadToAsync", rawLogon),
                    Row("logoff: push of the edited hive, this project", logoff), Row("logoff: raw UploadAsync", rawLogoff),
                ]);
            report.Table(["during", "status calls to busy profiles", "status call p50 / p99 / max", "silo long-turn warnings (profile grains / all)", "longest warned turn"],
                [
                    ["logon storm", Number(logon.Probes.Count), $"{Ms(Percentiles.Of(logon.Probes, 0.5))} / {Ms(Percentiles.Of(logon.Probes, 0.99))} / {Ms(Percentiles.Of(logon.Probes, 1))}", "", ""],
                    ["logoff storm", Number(logoff.Probes.Count), $"{Ms(Percentiles.Of(logoff.Probes, 0.5))} / {Ms(Percentiles.Of(logoff.Probes, 0.99))} / {Ms(Percentiles.Of(logoff.Probes, 1))}", "", ""],
                    ["both (from the silo's log)", "", "", $"{Number(turns.Count(t => t.Grain.Contains("profilegrain", StringComparison.OrdinalIgnoreCase)))} / {Number(turns.Count)}",
                        turns.Count == 0 ? "none over the threshold" : $"{Ms(turns.Max(t => t.Duration))} ({turns.MaxBy(t => t.Duration).Grain})"],
                ]);
            report.Paragraph($"{Number(users)} users, one {Bytes(bytes)} generated hive each (profile NTUSER.DAT), one silo process in Azure mode on Azurite (this machine: 2 cores, shared), users spread over {Clients} in-process Orleans clients (the agent's Sync library) per workstation. "
                + "Logon: every user pulls at once onto workstation B, which never synced (whole, compressed chunks); the baseline downloads the same bytes, one blob per user, all at once with the raw SDK from the same Azurite. "
                + $"Logoff: every user's hive, {EditedPages} of {pages} pages edited on B, pushed at once (a delta against the snapshot B pulled); the baseline uploads the edited files whole, all at once. "
                + "Per-user times run from the storm's start (all users released together) to that user's result. Status calls: one client asks the profiles being synced for their status, one call after another, all through the storm. "
                + "Silo long-turn warnings are Orleans' own (\"took elapsed time … for execution\"), counted from the silo process's log.");
            foreach (var (what, baseline) in new[] { ("download", rawLogon), ("upload", rawLogoff) }.Where(b => b.Item2.Failed > 0))
            {
                report.Paragraph($"The raw {what} baseline had {Number(baseline.Failed)} failed calls of {Number(users)} (Azurite refusing or timing out that many at once): its times are not a baseline that finished, and a target met against it says nothing.");
            }

            report.Target(new TargetCheck("logon storm throughput ≥ 0.5× raw parallel DownloadToAsync", rawLogon.Wall / logon.Wall, 0.5, AtLeast: true, Why: LogonWhy));
            report.Target(new TargetCheck("logon storm p99 ≤ 2× raw p99", Percentiles.Of(logon.Times, 0.99) / Percentiles.Of(rawLogon.Times, 0.99), 2, Why: LogonWhy));
            report.Target(new TargetCheck("logoff storm throughput ≥ 0.5× raw parallel UploadAsync", rawLogoff.Wall / logoff.Wall, 0.5, AtLeast: true, Why: LogoffWhy));
            report.Target(new TargetCheck("logoff storm p99 ≤ 2× raw p99", Percentiles.Of(logoff.Times, 0.99) / Percentiles.Of(rawLogoff.Times, 0.99), 2, Why: LogoffWhy));
            return report;
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            ThreadPool.SetMinThreads(workers, io);
        }
    }

    private static SyncClient Own(List<SyncClient> clients, SyncClient client)
    {
        clients.Add(client);
        return client;
    }

    /// <summary>Runs <paramref name="operation"/> for every user at once; with a <paramref name="probe"/>, asks busy profiles for their status throughout.</summary>
    private static async Task<Storm> StormAsync(int users, SyncClient? probe, ProfileKey[] keys, Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var failed = 0;
        var times = new ConcurrentBag<TimeSpan>();
        var probes = new List<TimeSpan>();
        var running = Enumerable.Range(0, users).Select(async i =>
        {
            await start.Task;
            try
            {
                await operation(i, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref failed);
            }

            times.Add(clock.Elapsed);
        }).ToList();

        clock.Restart();
        start.SetResult();
        var all = Task.WhenAll(running);
        if (probe is not null)
        {
            for (var n = 0; !all.IsCompleted; n++)
            {
                var asked = Stopwatch.StartNew();
                await probe.Sync.GetStatusAsync(keys[(int)((long)n * 7919 % users)], cancellationToken);
                probes.Add(asked.Elapsed);
            }
        }

        await all;
        return new Storm(clock.Elapsed, [.. times], failed, probes);
    }

    private static List<(string Grain, TimeSpan Duration)> LongTurns(string log)
        => [.. LongTurnLine().Matches(log).Select(m => (m.Groups["grain"].Value, TimeSpan.Parse(m.Groups["duration"].Value, CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"in WorkGroup (?<grain>\S+) took elapsed time (?<duration>[0-9:.]+) for execution")]
    private static partial Regex LongTurnLine();

    private sealed record Storm(TimeSpan Wall, IReadOnlyCollection<TimeSpan> Times, int Failed, IReadOnlyCollection<TimeSpan> Probes);
}
