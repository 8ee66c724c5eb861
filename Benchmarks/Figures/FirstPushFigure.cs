using Orleans.Profiles.Benchmarks.Support;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>A first push sends the whole hive: beside zstd -3 of the same file (the target is ≤ 1.1× it).</summary>
public sealed class FirstPushFigure : IFigure
{
    public string Name => "first-push";

    public string Title => "First push bytes against zstd -3";

    public int Order => 20;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var pair in context.HivePairs)
        {
            var scratch = context.NewDirectory("first");
            var zstd = await DeltaBaselines.ZstdAsync(context.Tools, pair.EditedPath, 3, scratch, cancellationToken);
            var size = new FileInfo(pair.EditedPath).Length;
            rows.Add([pair.Name, Bytes(size), "not measured in this run", Bytes(zstd), Ratio((double)zstd / size)]);
        }

        return new FigureReport(this)
            .Table(["hive", "file size", "this project: first push", "zstd -3", "zstd -3 / file size"], rows)
            .Paragraph("zstd -3 runs on the same file in this run. The project's column needs a counting loopback proxy in front of a silo, which this version of the command does not start yet.");
    }
}
