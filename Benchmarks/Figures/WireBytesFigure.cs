using Orleans.Profiles.Benchmarks.Support;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// What an edited hive costs to move, beside rsync --no-whole-file, xdelta3 -9, zstd -19 --patch-from and the
/// XOR-deflate limit of the same pair, each run here on the same files.
/// </summary>
public sealed class WireBytesFigure : IFigure
{
    public string Name => "wire";

    public string Title => "Bytes on the wire: logoff push and logon pull of an edited hive";

    public int Order => 10;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var report = new FigureReport(this);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var pair in context.HivePairs)
        {
            var scratch = context.NewDirectory("wire");
            var rsync = await DeltaBaselines.RsyncAsync(context.Tools, pair, scratch, cancellationToken);
            var xdelta3 = await DeltaBaselines.Xdelta3Async(context.Tools, pair, scratch, cancellationToken);
            var zstd = await DeltaBaselines.ZstdPatchFromAsync(context.Tools, pair, scratch, cancellationToken);
            var limit = DeltaBaselines.XorDeflate(pair, out var changed, out var pages);
            context.Log.WriteLine($"{pair.Name}: rsync {rsync} B, xdelta3 {xdelta3} B, zstd --patch-from {zstd} B, XOR-deflate {limit} B");
            rows.Add([$"{pair.Name} ({Bytes(new FileInfo(pair.EditedPath).Length)}, {changed} of {pages} pages differ)",
                "not measured in this run", "not measured in this run", Bytes(rsync), Bytes(xdelta3), Bytes(zstd), Bytes(limit)]);
        }

        report.Table(["edited hive", "this project: logoff push", "this project: logon pull onto the base", "rsync --no-whole-file", "xdelta3 -9", "zstd -19 --patch-from", "changed pages XOR-ed with the base, deflated"], rows);
        report.Paragraph("The baselines are measured on the same files in this run: rsync's bytes are what it sent plus received over its local pipe (--stats), xdelta3's and zstd's the size of the delta file, the limit the deflated XOR of each differing page with the base page plus 4 bytes per page. "
            + "The project's own columns need the counting loopback proxy in front of a silo, which this version of the command does not start yet.");
        return report;
    }
}
