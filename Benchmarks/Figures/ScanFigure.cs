using System.Diagnostics;
using Orleans.Profiles.Benchmarks.Support;
using Orleans.Profiles.Sync;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// The agent's scan of a profile nobody changed since its last sync, beside sha256sum of the same files: the look the
/// service's sweep makes every few minutes (<see cref="LocalChanges"/>: the directory and the sync record, no file read)
/// and the full hash pass a push makes before it asks the store (every file chunked and hashed, the manifest hashed).
/// </summary>
public sealed class ScanFigure : IFigure
{
    private const int Files = 400;
    private const int Runs = 11;
    private const double SumShare = 2;
    private static readonly ProfileKey Profile = ProfileKey.Parse(@"CONTOSO\scan");

    /// <summary>Where a roaming profile's files live (none of them excluded by default).</summary>
    private static readonly string[] Folders =
    [
        @"AppData\Roaming\Microsoft\Windows\Recent", @"AppData\Roaming\Microsoft\Office", @"AppData\Roaming\Microsoft\Signatures",
        @"AppData\Roaming\Mozilla\Firefox\Profiles\x1.default", @"AppData\Roaming\Code\User", @"Documents", @"Documents\Reports",
        @"Desktop", @"Favorites", @"Pictures",
    ];

    public string Name => "scan";

    public string Title => "Scan of an unchanged profile against sha256sum";

    public int Order => 40;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var folder = context.NewDirectory("scan-profile");
        var bytes = Generate(folder);
        var state = new SyncStateStore(context.NewDirectory("scan-state"));

        // The sync record a push or pull leaves: what the look compares with, and the manifest the hash pass must rebuild.
        var (manifest, _) = await HashPassAsync(folder, cancellationToken);
        var manifestHash = manifest.ComputeHash();
        await state.SaveAsync(new SyncRecord(Profile.Value, Path.GetFullPath(folder), 1, manifestHash.ToString(),
            [.. manifest.Files.Select(f => new SyncedFile(f.Path, f.Length, f.Sha256.ToString()))]), cancellationToken);

        var sha256sum = await context.Tools.FindAsync("sha256sum", cancellationToken);
        var paths = LocalFile.Enumerate(folder, ProfileFilter.Default).Select(f => f.FullPath).ToArray();
        if (paths.Length != Files + 1)
        {
            throw new InvalidOperationException($"{paths.Length} files roam of the {Files + 1} generated.");
        }

        // Warm: every measurement reads from the page cache, as the sweep does on a machine in use.
        var (look, full, sum) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>());
        for (var run = 0; run <= Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            var changed = await LocalChanges.SinceLastSyncAsync(state, Profile, folder, ProfileFilter.Default, cancellationToken);
            var lookTime = clock.Elapsed;
            if (changed)
            {
                throw new InvalidOperationException("The look found a change in a profile nobody changed.");
            }

            var (again, fullTime) = await HashPassAsync(folder, cancellationToken);
            if (again.ComputeHash() != manifestHash)
            {
                throw new InvalidOperationException("The hash pass of an unchanged profile gave another manifest.");
            }

            var sumTime = (await BaselineTools.RunAsync(sha256sum, paths, cancellationToken)).Elapsed;
            if (run > 0)
            {
                look.Add(lookTime);
                full.Add(fullTime);
                sum.Add(sumTime);
            }
        }

        var (lookMedian, fullMedian, sumMedian) = (Median(look), Median(full), Median(sum));
        context.Log.WriteLine($"scan of {Files + 1} files, {bytes} B: look {lookMedian.TotalMilliseconds:0.0} ms, hash pass {fullMedian.TotalMilliseconds:0.0} ms, sha256sum {sumMedian.TotalMilliseconds:0.0} ms");
        string[] Row(string what, List<TimeSpan> times)
        {
            var median = Median(times);
            return [what, Ms(median), $"{Ms(times.Min())} / {Ms(times.Max())}", $"{Number(bytes / 1e6 / median.TotalSeconds)} MB/s", Ratio(median / sumMedian)];
        }

        return new FigureReport(this)
            .Table(["what", "median", "min / max", "profile bytes per second", "/ sha256sum"],
            [
                Row("the agent's look for changes (`LocalChanges`: directory and sync record, no file read)", look),
                Row("the agent's hash pass (a push's: every file chunked and SHA-256 hashed, then the manifest)", full),
                Row("`sha256sum` of the same files (one process)", sum),
            ])
            .Paragraph($"A generated profile folder: a 6.25 MiB NTUSER.DAT and {Files} files of 256 B to 512 KiB under AppData\\Roaming, Documents, Desktop, Favorites and Pictures, {Bytes(bytes)} in all, "
                + $"unchanged since the sync record was written. Median of {Runs} runs each after one warm-up, all in the page cache, the three interleaved in each round. "
                + "The look is what the agent's service does every sweep (5 min) to decide nothing changed; the hash pass is what a push does before asking the store, "
                + "and it hashes every byte twice (the file's SHA-256 and each chunk's), where sha256sum hashes it once.")
            .Target(new TargetCheck("the look for changes ≤ 2× sha256sum of the same files", lookMedian / sumMedian, SumShare))
            .Target(new TargetCheck("the full hash pass ≤ 2× sha256sum of the same files", fullMedian / sumMedian, SumShare,
                Why: "every byte is hashed twice (file and chunk SHA-256); one pass feeding both from the same buffer is what it does already, so closing it means a file hash built from the chunk hashes (a format change)"));
    }

    /// <summary>What a push's hash pass does with an unchanged profile: list, read and hash each file in turn, hash the manifest.</summary>
    private static async Task<(ProfileManifest Manifest, TimeSpan Elapsed)> HashPassAsync(string folder, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var files = new List<ManifestFile>();
        foreach (var file in LocalFile.Enumerate(folder, ProfileFilter.Default))
        {
            files.Add(await file.HashAsync(cancellationToken));
        }

        var manifest = ProfileManifest.ForUpload(files);
        _ = manifest.ComputeHash();
        return (manifest, clock.Elapsed);
    }

    /// <summary>The hive and <see cref="Files"/> files of sizes spread evenly on a log scale, the same every run; returns the bytes written.</summary>
    private static long Generate(string folder)
    {
        var random = new Random(13);
        var hive = HiveGenerator.Hive(1600, seed: 5);
        File.WriteAllBytes(Path.Combine(folder, "NTUSER.DAT"), hive);
        long bytes = hive.Length;
        for (var i = 0; i < Files; i++)
        {
            var size = (int)Math.Round(Math.Pow(2, 8 + (11.0 * random.NextDouble())));
            var data = new byte[size];
            random.NextBytes(data);
            var path = Path.Combine([folder, .. Folders[i % Folders.Length].Split('\\'), $"file{i:000}.dat"]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, data);
            bytes += size;
        }

        return bytes;
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}
