using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>What the delta tools need to turn a base hive into the edited one, in bytes, measured by running them.</summary>
public static partial class DeltaBaselines
{
    /// <summary>rsync --no-whole-file from the edited hive onto a copy of the base, over rsync's local pipe: bytes sent plus received (--stats).</summary>
    public static async Task<long> RsyncAsync(BaselineTools tools, HivePair pair, string scratch, CancellationToken cancellationToken)
    {
        var rsync = await tools.FindAsync("rsync", cancellationToken);
        var target = Path.Combine(scratch, "rsync-target");
        File.Copy(pair.BasePath, target, overwrite: true);
        var result = await BaselineTools.RunAsync(rsync, ["--no-whole-file", "--ignore-times", "--inplace", "--stats", pair.EditedPath, target], cancellationToken);
        return Stat(result.StandardOutput, "Total bytes sent") + Stat(result.StandardOutput, "Total bytes received");
    }

    public static async Task<long> Xdelta3Async(BaselineTools tools, HivePair pair, string scratch, CancellationToken cancellationToken)
    {
        var xdelta3 = await tools.FindAsync("xdelta3", cancellationToken);
        var output = Path.Combine(scratch, "edited.xdelta3");
        await BaselineTools.RunAsync(xdelta3, ["-9", "-f", "-e", "-s", pair.BasePath, pair.EditedPath, output], cancellationToken);
        return new FileInfo(output).Length;
    }

    public static async Task<long> ZstdPatchFromAsync(BaselineTools tools, HivePair pair, string scratch, CancellationToken cancellationToken)
    {
        var zstd = await tools.FindAsync("zstd", cancellationToken);
        var output = Path.Combine(scratch, "edited.zst-patch");
        await BaselineTools.RunAsync(zstd, ["-q", "-f", "-19", $"--patch-from={pair.BasePath}", pair.EditedPath, "-o", output], cancellationToken);
        return new FileInfo(output).Length;
    }

    public static async Task<long> ZstdAsync(BaselineTools tools, string file, int level, string scratch, CancellationToken cancellationToken)
    {
        var zstd = await tools.FindAsync("zstd", cancellationToken);
        var output = Path.Combine(scratch, Path.GetFileName(file) + ".zst");
        await BaselineTools.RunAsync(zstd, ["-q", "-f", $"-{level}", file, "-o", output], cancellationToken);
        return new FileInfo(output).Length;
    }

    /// <summary>
    /// The information limit the issue sets: every 4 KiB page that differs, XOR-ed with the base page at the same
    /// position (unchanged bytes become zeros), deflated at the smallest size, plus 4 bytes naming each page.
    /// </summary>
    public static long XorDeflate(HivePair pair, out int changedPages, out int pages)
    {
        var baseBytes = File.ReadAllBytes(pair.BasePath);
        var edited = File.ReadAllBytes(pair.EditedPath);
        using var packed = new MemoryStream();
        long index = 0;
        changedPages = 0;
        pages = (edited.Length + HiveGenerator.PageSize - 1) / HiveGenerator.PageSize;
        using (var deflate = new DeflateStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (var page = 0; page < pages; page++)
            {
                var start = page * HiveGenerator.PageSize;
                var length = Math.Min(HiveGenerator.PageSize, edited.Length - start);
                var before = start < baseBytes.Length ? baseBytes.AsSpan(start, Math.Min(length, baseBytes.Length - start)) : [];
                var after = edited.AsSpan(start, length);
                if (before.Length == length && before.SequenceEqual(after))
                {
                    continue;
                }

                changedPages++;
                index += 4;
                var xor = after.ToArray();
                for (var i = 0; i < before.Length; i++)
                {
                    xor[i] ^= before[i];
                }

                deflate.Write(xor);
            }
        }

        return packed.Length + index;
    }

    private static long Stat(string stats, string name)
    {
        var match = StatLine().Matches(stats).FirstOrDefault(m => m.Groups[1].Value == name)
            ?? throw new InvalidOperationException($"rsync --stats did not report '{name}':\n{stats}");
        return long.Parse(match.Groups[2].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(Total bytes sent|Total bytes received): ([\d,]+)", RegexOptions.Multiline)]
    private static partial Regex StatLine();
}
