using Orleans.Profiles.Benchmarks.Support;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// What an edited hive costs to move: the project's logoff push and logon pull onto the base, counted on the wire
/// by a loopback proxy in front of a silo process and driven through agent processes, beside rsync --no-whole-file,
/// xdelta3 -9, zstd -19 --patch-from and the XOR-deflate limit of the same pair, each run here on the same files.
/// </summary>
public sealed class WireBytesFigure : IFigure
{
    /// <summary>The issue's targets: a push or pull at most this share of rsync's bytes…</summary>
    private const double RsyncShare = 0.05;

    /// <summary>…and at most twice the better delta tool plus this much.</summary>
    private const long DeltaToolSlack = 1024;

    /// <summary>An unchanged push costs at most this beyond the connection's set-up.</summary>
    private const long UnchangedLimit = 200;

    public string Name => "wire";

    public string Title => "Bytes on the wire: logoff push and logon pull of an edited hive";

    public int Order => 10;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var report = new FigureReport(this);
        var rows = new List<IReadOnlyList<string>>();
        var setups = new List<string>();
        await using var store = await MeteredStore.StartAsync(context.NewDirectory("wire-silo"));
        var index = 0;
        foreach (var pair in context.HivePairs)
        {
            var scratch = context.NewDirectory("wire");
            var rsync = await DeltaBaselines.RsyncAsync(context.Tools, pair, scratch, cancellationToken);
            var xdelta3 = await DeltaBaselines.Xdelta3Async(context.Tools, pair, scratch, cancellationToken);
            var zstd = await DeltaBaselines.ZstdPatchFromAsync(context.Tools, pair, scratch, cancellationToken);
            var limit = DeltaBaselines.XorDeflate(pair, out var changed, out var pages);
            var ours = await MeasureAsync(context, store, pair, $@"CONTOSO\wire{++index}");
            context.Log.WriteLine($"{pair.Name}: set-up {ours.Setup}; push {ours.Push}, pull {ours.Pull}, unchanged push {ours.Unchanged}; rsync {rsync} B, xdelta3 {xdelta3} B, zstd --patch-from {zstd} B, XOR-deflate {limit} B");
            setups.Add($"{Bytes(ours.Setup.Up)} up and {Bytes(ours.Setup.Down)} down");
            rows.Add([$"{pair.Name} ({Bytes(new FileInfo(pair.EditedPath).Length)}, {Number(changed)} of {Number(pages)} pages differ)",
                Cell(ours.Push, rsync), Cell(ours.Pull, rsync), Bytes(ours.Unchanged.Total),
                Bytes(rsync), Bytes(xdelta3), Bytes(zstd), Bytes(limit)]);

            var tools = Math.Min(xdelta3, zstd);
            var hive = pair.Name.Split(',')[0];
            report.Target(new TargetCheck($"{hive}: push ≤ {RsyncShare}× rsync", (double)ours.Push.Total / rsync, RsyncShare))
                .Target(new TargetCheck($"{hive}: pull ≤ {RsyncShare}× rsync", (double)ours.Pull.Total / rsync, RsyncShare))
                .Target(new TargetCheck($"{hive}: push ≤ 2× min(xdelta3, zstd --patch-from) + 1 KB", (double)ours.Push.Total / ((2 * tools) + DeltaToolSlack), 1))
                .Target(new TargetCheck($"{hive}: pull ≤ 2× min(xdelta3, zstd --patch-from) + 1 KB", (double)ours.Pull.Total / ((2 * tools) + DeltaToolSlack), 1))
                .Target(new TargetCheck($"{hive}: unchanged push ≤ {UnchangedLimit} B beyond set-up", ours.Unchanged.Total, UnchangedLimit, Unit: "B"));
        }

        report.Table(["edited hive", "this project: logoff push (up + down)", "this project: logon pull onto the base (up + down)", "this project: unchanged push", "rsync --no-whole-file", "xdelta3 -9", "zstd -19 --patch-from", "changed pages XOR-ed with the base, deflated"], rows);
        report.Paragraph("The project's columns are bytes on the wire both ways, counted by a loopback TCP proxy in front of one local-mode silo process, of agent processes run as a logon or logoff script would: "
            + "workstation A pushes the base, B pulls it, A pushes the edited hive (measured), B pulls it onto the base it holds (measured), A pushes again with nothing changed (measured). "
            + $"Each agent run opens a fresh Orleans connection; its set-up (the client's handshake and cluster manifest), measured as an unchanged `status` run, was {string.Join("; ", setups.Distinct())} "
            + "and is subtracted from every run (it is paid once per logon or logoff, whatever the profile); that `status` run comes before the user's first push, so its answer carries no snapshot, where an unchanged push's answer does. Ratios in brackets are to rsync. "
            + "The baselines are measured on the same files in this run: rsync's bytes are what it sent plus received over its local pipe (--stats), xdelta3's and zstd's the size of the delta file, the limit the deflated XOR of each differing page with the base page plus 4 bytes per page.");
        return report;
    }

    private static string Cell(Traffic bytes, long rsync)
        => $"{Bytes(bytes.Total)} ({Bytes(bytes.Up)} + {Bytes(bytes.Down)}; {Ratio((double)bytes.Total / rsync)})";

    /// <summary>Two workstations of one user through the metered store; every figure is beyond the set-up of its connection.</summary>
    private static async Task<Measured> MeasureAsync(FigureContext context, MeteredStore store, HivePair pair, string user)
    {
        var (a, b) = (context.NewDirectory("ws-a"), context.NewDirectory("ws-b"));
        var (stateA, stateB) = (context.NewDirectory("state-a"), context.NewDirectory("state-b"));
        var hive = Path.Combine(a, "NTUSER.DAT");
        File.Copy(pair.BasePath, hive);

        var (setup, _) = await store.RunAgentAsync(stateA, "status", "--user", user);
        await store.RunAgentAsync(stateA, "push", "--user", user, "--path", a, "--machine", "WS-A");
        await store.RunAgentAsync(stateB, "pull", "--user", user, "--path", b);

        File.Copy(pair.EditedPath, hive, overwrite: true);
        var (push, pushed) = await store.RunAgentAsync(stateA, "push", "--user", user, "--path", a, "--machine", "WS-A");
        var (pull, pulled) = await store.RunAgentAsync(stateB, "pull", "--user", user, "--path", b);
        if (!File.ReadAllBytes(Path.Combine(b, "NTUSER.DAT")).AsSpan().SequenceEqual(File.ReadAllBytes(pair.EditedPath)))
        {
            throw new InvalidOperationException($"{pair.Name}: the pulled hive is not the edited one.");
        }

        // A delta both ways, or the figure would measure the whole-chunk path.
        var (pushBase, pullBase) = (pushed.GetProperty("deltaBase").GetInt32(), pulled.GetProperty("deltaBase").GetInt32());
        if (pushBase != 1 || pullBase != 1)
        {
            throw new InvalidOperationException($"{pair.Name}: the edited push was encoded against snapshot {pushBase} and its pull against {pullBase}, not the base (1).");
        }

        var (unchanged, same) = await store.RunAgentAsync(stateA, "push", "--user", user, "--path", a, "--machine", "WS-A");
        if (!same.GetProperty("unchanged").GetBoolean())
        {
            throw new InvalidOperationException($"{pair.Name}: a push with nothing changed was not reported unchanged.");
        }

        return new Measured(setup, Beyond(push, setup), Beyond(pull, setup), Beyond(unchanged, setup));
    }

    /// <summary>A run's bytes beyond its connection's set-up (not below zero: set-up varies by a few bytes).</summary>
    private static Traffic Beyond(Traffic run, Traffic setup) => new(Math.Max(0, run.Up - setup.Up), Math.Max(0, run.Down - setup.Down));

    private sealed record Measured(Traffic Setup, Traffic Push, Traffic Pull, Traffic Unchanged);
}
