using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Orleans.Profiles.Benchmarks.Support;
using Perfolizer.Horology;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// BenchmarkDotNet micro-benchmarks of the store's hot paths on the first hive pair: chunking, hashing, delta
/// encoding and decoding, compression. Run in this process (no generated project to build) on a short job.
/// </summary>
public sealed class MicroFigure : IFigure
{
    public string Name => "micro";

    public string Title => "Micro-benchmarks: chunking, hashing, delta encoding, compression";

    public int Order => 70;

    public Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var pair = context.HivePairs[0];
        MicroBenchmarks.Pair = pair;
        // --quick: one warm-up and 100 ms iterations, still enough invocations per iteration for microsecond operations.
        var job = (context.Settings.Quick ? Job.ShortRun.WithWarmupCount(1).WithIterationTime(TimeInterval.FromMilliseconds(100)) : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(new TextWriterLogger(context.Log))
            .WithArtifactsPath(context.NewDirectory("micro-artifacts"));
        var summary = BenchmarkRunner.Run<MicroBenchmarks>(config);
        if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => r.ResultStatistics is null))
        {
            throw new InvalidOperationException($"BenchmarkDotNet did not measure every benchmark: {string.Join("; ", summary.ValidationErrors.Select(e => e.Message))}");
        }

        var sizes = new MicroBenchmarks();
        sizes.Setup();
        var (hive, delta, frame, changed) = sizes.Sizes();
        var rows = summary.Reports.Select(r =>
        {
            var allocated = r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase);
            return (IReadOnlyList<string>)[r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''), Time(r.ResultStatistics!.Mean), Time(r.ResultStatistics.StandardDeviation), allocated is { } a ? Bytes(a) : "—"];
        });
        return Task.FromResult(new FigureReport(this)
            .Table(["operation", "mean", "standard deviation", "allocated per operation"], rows)
            .Paragraph($"On {pair.Name}: {Bytes(hive)}, {Number(changed)} changed pages, a delta of {Bytes(delta)}, a level-6 frame of {Bytes(frame)}. "
                + $"BenchmarkDotNet {typeof(BenchmarkRunner).Assembly.GetName().Version?.ToString(3)}, {(context.Settings.Quick ? "its short job cut to one warm-up and 100 ms iterations (--quick)" : "its short job (3 warm-ups, 3 iterations)")}, in process, with its memory diagnoser. "
                + "No baseline tool runs here: these are the parts of the wire and scan figures, for finding where their time goes."));
    }

    /// <summary>BenchmarkDotNet's nanoseconds as µs or ms.</summary>
    private static string Time(double nanoseconds)
        => nanoseconds < 1_000 ? $"{Number(nanoseconds, "0.0")} ns"
            : nanoseconds < 1_000_000 ? $"{Number(nanoseconds / 1_000, "0.0")} µs"
            : $"{Number(nanoseconds / 1_000_000, "0.00")} ms";
}
