using Orleans.Profiles.Benchmarks.Support;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// A first push sends the whole hive: its bytes on the wire (the counting proxy in front of a silo process, an agent
/// process pushing), beside zstd -3 of the same file (the issue's target is ≤ 1.1× it).
/// </summary>
public sealed class FirstPushFigure : IFigure
{
    private const double ZstdShare = 1.1;

    public string Name => "first-push";

    public string Title => "First push bytes against zstd -3";

    public int Order => 20;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var report = new FigureReport(this);
        var rows = new List<IReadOnlyList<string>>();
        await using var store = await MeteredStore.StartAsync(context.NewDirectory("first-silo"));
        var index = 0;
        Traffic setup = default;
        foreach (var pair in context.HivePairs)
        {
            var scratch = context.NewDirectory("first");
            var zstd = await DeltaBaselines.ZstdAsync(context.Tools, pair.EditedPath, 3, scratch, cancellationToken);
            var size = new FileInfo(pair.EditedPath).Length;

            var (folder, state, user) = (context.NewDirectory("first-ws"), context.NewDirectory("first-state"), $@"CONTOSO\first{++index}");
            File.Copy(pair.EditedPath, Path.Combine(folder, "NTUSER.DAT"));
            (setup, _) = await store.RunAgentAsync(state, "status", "--user", user);
            var (run, pushed) = await store.RunAgentAsync(state, "push", "--user", user, "--path", folder);
            if (pushed.GetProperty("deltaBase").GetInt32() != 0 || pushed.GetProperty("snapshot").GetProperty("number").GetInt32() != 1)
            {
                throw new InvalidOperationException($"{pair.Name}: a first push was not the first snapshot sent whole: {pushed}");
            }

            var push = new Traffic(Math.Max(0, run.Up - setup.Up), Math.Max(0, run.Down - setup.Down));
            context.Log.WriteLine($"{pair.Name}: first push {push} beyond set-up {setup}; zstd -3 {zstd} B of {size} B");
            rows.Add([pair.Name, Bytes(size), $"{Bytes(push.Total)} ({Bytes(push.Up)} + {Bytes(push.Down)})", Bytes(zstd), Ratio((double)push.Total / zstd), Ratio((double)zstd / size)]);
            report.Target(new TargetCheck($"{pair.Name.Split(',')[0]}: first push ≤ {ZstdShare}× zstd -3", (double)push.Total / zstd, ZstdShare));
        }

        return report
            .Table(["hive", "file size", "this project: first push (up + down)", "zstd -3", "first push / zstd -3", "zstd -3 / file size"], rows)
            .Paragraph("The project's column is bytes on the wire both ways, counted by a loopback TCP proxy in front of one local-mode silo process, of an agent process pushing a profile folder holding only the hive, for a user with no snapshot yet. "
                + $"The connection's set-up, measured as a `status` run of the same user just before ({Bytes(setup.Up)} up, {Bytes(setup.Down)} down), is subtracted. zstd -3 runs on the same file in this run.");
    }
}
