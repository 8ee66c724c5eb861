using System.Diagnostics;
using System.Net;
using Azure.Storage.Blobs;
using Orleans.Profiles.Benchmarks.Support;
using Orleans.Profiles.Tests.EndToEnd;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// Push and pull time of one file through one silo process, in local mode and in Azure mode (Azurite), measured in process
/// through the agent's Sync library (the agent's start-up, its first connection, is reported apart), beside the raw Azure
/// SDK's <c>UploadAsync</c>/<c>DownloadToAsync</c> of the same bytes to the same Azurite and a local copy with fsync.
/// </summary>
public sealed class TransferTimeFigure : IFigure
{
    /// <summary>Each time is the median of this many runs, each on a profile of its own.</summary>
    private const int Runs = 5;

    private const int IncompressibleBytes = 6_553_600;

    public string Name => "time";

    public string Title => "Push and pull time, local and Azure mode";

    public int Order => 30;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var scratch = context.NewDirectory("time");
        var random = Path.Combine(scratch, "incompressible", "data.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(random)!);
        var bytes = new byte[IncompressibleBytes];
        new Random(13).NextBytes(bytes);
        await File.WriteAllBytesAsync(random, bytes, cancellationToken);

        // What is measured: each hive pair's edited hive (also as an edit onto its base), and one incompressible file.
        var files = context.HivePairs.Select(p => new Subject(p.Name + ", edited hive", p.EditedPath, "NTUSER.DAT", p.BasePath))
            .Append(new Subject("6.25 MiB incompressible file", random, "data.bin", null)).ToList();

        var azurite = await context.AzuriteAsync(cancellationToken);
        var modes = new (string Name, string[] Args)[]
        {
            ("local", []),
            ("azure", ["--storage", "azure", "--azure-connection-string", azurite.ConnectionString]),
        };

        var rows = new List<IReadOnlyList<string>>();
        var startups = new List<IReadOnlyList<string>>();
        var report = new FigureReport(this);
        foreach (var (mode, args) in modes)
        {
            await using var silo = await SiloProcess.StartAsync(context.NewDirectory($"time-silo-{mode}"), args);
            var gateway = new IPEndPoint(IPAddress.Loopback, silo.GatewayPort);
            var root = context.NewDirectory($"time-{mode}");

            // Start-up apart: a fresh client's first call (connection, cluster manifest), then a warm call.
            var first = new List<TimeSpan>();
            var warm = new List<TimeSpan>();
            for (var run = 0; run < Runs; run++)
            {
                var clock = Stopwatch.StartNew();
                await using var fresh = new SyncClient(gateway, $"WS-START{run}", Path.Combine(root, $"state-start{run}"));
                await fresh.Sync.GetStatusAsync(ProfileKey.Parse(@"CONTOSO\startup"), cancellationToken);
                first.Add(clock.Elapsed);
                clock.Restart();
                await fresh.Sync.GetStatusAsync(ProfileKey.Parse(@"CONTOSO\startup"), cancellationToken);
                warm.Add(clock.Elapsed);
            }

            startups.Add([mode, Ms(Percentiles.Of(first, 0.5)), Ms(Percentiles.Of(warm, 0.5))]);

            await using var a = new SyncClient(gateway, "WS-A", Path.Combine(root, "state-a"));
            await using var b = new SyncClient(gateway, "WS-B", Path.Combine(root, "state-b"));
            await a.Sync.GetStatusAsync(ProfileKey.Parse(@"CONTOSO\warmup"), cancellationToken);
            await b.Sync.GetStatusAsync(ProfileKey.Parse(@"CONTOSO\warmup"), cancellationToken);
            var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"time-raw-{mode}");
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

            for (var f = 0; f < files.Count; f++)
            {
                var subject = files[f];
                var length = new FileInfo(subject.Path).Length;
                var push = new List<TimeSpan>();
                var pull = new List<TimeSpan>();
                var deltaPush = new List<TimeSpan>();
                var deltaPull = new List<TimeSpan>();
                var raw = new List<TimeSpan>();
                var rawDown = new List<TimeSpan>();
                for (var run = 0; run <= Runs; run++)
                {
                    // Whole: a profile's first push, and a pull onto a workstation that never synced it.
                    var key = ProfileKey.Parse($@"CONTOSO\time{f}r{run}");
                    var from = Folder(root, $"a{f}r{run}", subject, subject.Path);
                    var to = Path.Combine(root, $"b{f}r{run}");
                    var clock = Stopwatch.StartNew();
                    await a.Sync.PushAsync(key, from, progress: null, cancellationToken);
                    var pushed = clock.Elapsed;
                    clock.Restart();
                    await b.Sync.PullAsync(key, to, 0, force: false, progress: null, cancellationToken);
                    var pulled = clock.Elapsed;

                    // The same bytes through the raw SDK to the same Azurite, and a local copy made durable.
                    var blob = container.GetBlobClient($"{f}-{run}");
                    clock.Restart();
                    await blob.UploadAsync(subject.Path, overwrite: true, cancellationToken);
                    var up = clock.Elapsed;
                    var down = Path.Combine(root, $"raw{f}r{run}");
                    clock.Restart();
                    await blob.DownloadToAsync(down, cancellationToken);
                    var downloaded = clock.Elapsed;
                    var copied = await CopyDurablyAsync(subject.Path, Path.Combine(root, $"cp{f}r{run}"), cancellationToken);

                    // An edit onto the base: the base synced to both workstations first (not measured), then the edited hive.
                    TimeSpan? editPush = null, editPull = null;
                    if (subject.BasePath is { } basePath)
                    {
                        var editKey = ProfileKey.Parse($@"CONTOSO\timeedit{f}r{run}");
                        var editFrom = Folder(root, $"ea{f}r{run}", subject, basePath);
                        var editTo = Path.Combine(root, $"eb{f}r{run}");
                        await a.Sync.PushAsync(editKey, editFrom, progress: null, cancellationToken);
                        await b.Sync.PullAsync(editKey, editTo, 0, force: false, progress: null, cancellationToken);
                        File.Copy(subject.Path, Path.Combine(editFrom, subject.FileName), overwrite: true);
                        clock.Restart();
                        await a.Sync.PushAsync(editKey, editFrom, progress: null, cancellationToken);
                        editPush = clock.Elapsed;
                        clock.Restart();
                        await b.Sync.PullAsync(editKey, editTo, 0, force: false, progress: null, cancellationToken);
                        editPull = clock.Elapsed;
                    }

                    // Run 0 warms every path (activations, JIT, connections) and is not counted.
                    if (run == 0)
                    {
                        continue;
                    }

                    push.Add(pushed);
                    pull.Add(pulled);
                    raw.Add(mode == "azure" ? up : copied);
                    rawDown.Add(mode == "azure" ? downloaded : copied);
                    if (editPush is { } ep && editPull is { } epl)
                    {
                        deltaPush.Add(ep);
                        deltaPull.Add(epl);
                    }
                }

                var (p, q, r, d) = (Percentiles.Of(push, 0.5), Percentiles.Of(pull, 0.5), Percentiles.Of(raw, 0.5), Percentiles.Of(rawDown, 0.5));
                string Rate(TimeSpan t) => $"{Ms(t)} ({Number(length / t.TotalSeconds / 1e6, "0")} MB/s)";
                rows.Add([mode, $"{subject.Name} ({Bytes(length)})", Rate(p), Rate(q),
                    deltaPush.Count == 0 ? "—" : Ms(Percentiles.Of(deltaPush, 0.5)), deltaPull.Count == 0 ? "—" : Ms(Percentiles.Of(deltaPull, 0.5)),
                    mode == "azure" ? Rate(r) : "—", mode == "azure" ? Rate(d) : "—", mode == "local" ? Rate(r) : "—"]);
                context.Log.WriteLine($"time: {mode} {subject.Name}: push {p}, pull {q}, raw {r} / {d}");
                if (mode == "azure")
                {
                    report.Target(new TargetCheck($"Azure push of the {subject.Name} ≥ 0.5× raw UploadAsync throughput", r / p, 0.5, AtLeast: true,
                        Why: "one push is begin, puts and commit (each at least one storage write), then the commit reads every new file back to verify it and writes the manifest, the state and the directory: about 21 requests in sequence against the baseline's one (`storage` figure). Closing it: fewer requests per commit, and the verification read overlapped with the writes it does not depend on."));
                    report.Target(new TargetCheck($"Azure pull of the {subject.Name} ≥ 0.5× raw DownloadToAsync throughput", d / q, 0.5, AtLeast: true,
                        Why: "a pull reads the manifest, then the chunks through the silo (a grain call each batch, decompressed and hashed), verifies every file and fsyncs it before the atomic replace, where the baseline streams one blob into a file. Closing it: pipelining the next batch's read with the current batch's writes."));
                }
            }
        }

        report.Table(["mode", "file", "push, whole (first push)", "pull, whole (never synced)", "push, edit onto the base", "pull onto the base", "raw UploadAsync", "raw DownloadToAsync", "cp + fsync"], rows);
        report.Table(["mode", "agent start-up: a fresh client's first call (connect, cluster manifest)", "a warm status call"], startups);
        report.Paragraph($"One silo process per mode (local: data folder; azure: Azurite, started for the run); transfers run in this process through the agent's Sync library, "
            + $"each the median of {Runs} runs after one warm-up run, each run on a profile of its own: a first push of the file, then a pull of it onto a workstation that never synced it (both whole: compressed chunks); "
            + "for a hive also an edit onto its base (the base pushed and pulled first, then the edited hive pushed and pulled: a delta each way). "
            + "A pull includes verifying every chunk and the file, writing a temporary file, fsync and rename. The baselines move the same bytes in the same run: the raw Azure SDK (one blob upload, one download to a file, same Azurite), "
            + "and locally a copy of the file to a new file, fsynced. The agent process's own start-up (the .NET runtime) is in no column; its first connection is in the second table.");
        return report;
    }

    private static string Folder(string root, string name, Subject subject, string source)
    {
        var folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        File.Copy(source, Path.Combine(folder, subject.FileName));
        return folder;
    }

    /// <summary>cp and fsync: the file copied to a new one, flushed to disk.</summary>
    private static async Task<TimeSpan> CopyDurablyAsync(string source, string target, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan))
        await using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
        {
            await input.CopyToAsync(output, cancellationToken);
            output.Flush(flushToDisk: true);
        }

        return clock.Elapsed;
    }

    private sealed record Subject(string Name, string Path, string FileName, string? BasePath);
}
