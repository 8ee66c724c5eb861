using System.CommandLine;
using System.Diagnostics;

namespace Orleans.Profiles.Benchmarks;

/// <summary><c>profiles-benchmarks &lt;figure&gt;|all [--hive-pair BASE EDITED] [--users N] [--out BENCHMARKS.md]</c>.</summary>
public static class BenchmarkCommand
{
    public static RootCommand Build()
    {
        var figure = new Argument<string>("figure")
        {
            Description = $"What to measure: {string.Join(", ", FigureCatalog.Figures.Select(f => $"{f.Name} ({f.Title})"))}, or all of them",
        };
        figure.AcceptOnlyFromAmong([.. FigureCatalog.Names]);
        var hivePair = new Option<string[]>("--hive-pair")
        {
            Description = "An edited hive pair to measure: the base, then the edited hive. Default: two generated pairs",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var users = new Option<int?>("--users") { Description = $"Users in the logon and logoff storms (default {BenchmarkSettings.DefaultStormUsers}) and subscribers of the fan-out (default {BenchmarkSettings.DefaultUsers})" };
        var activations = new Option<int>("--activations") { Description = "Idle grains activated for the memory figure", DefaultValueFactory = _ => BenchmarkSettings.DefaultActivations };
        var output = new Option<string?>("--out") { Description = "Write the report here (all: BENCHMARKS.md unless given)" };
        var quick = new Option<bool>("--quick") { Description = "Shorter BenchmarkDotNet jobs (fewer iterations)" };
        var root = new RootCommand("Measures Orleans.Profiles beside rsync, xdelta3, zstd, the raw Azure SDK, cp and sha256sum, and writes BENCHMARKS.md.")
        {
            figure, hivePair, users, activations, output, quick,
        };
        root.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(figure);
            var pair = parse.GetValue(hivePair) is [var b, var e] ? (b, e) : ((string, string)?)null;
            var settings = new BenchmarkSettings
            {
                HivePair = pair,
                Users = parse.GetValue(users),
                Activations = parse.GetValue(activations),
                Out = parse.GetValue(output) ?? (name == FigureCatalog.All ? "BENCHMARKS.md" : null),
                Quick = parse.GetValue(quick),
            };
            return await RunAsync(FigureCatalog.Select(name), settings, "dotnet run -c Release --project Benchmarks -- " + string.Join(' ', parse.Tokens.Select(t => t.Value)), ct);
        });
        return root;
    }

    private static async Task<int> RunAsync(IReadOnlyList<IFigure> figures, BenchmarkSettings settings, string commandLine, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var work = Path.Combine(Path.GetTempPath(), $"profiles-benchmarks-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        var reports = new List<FigureReport>();
        var failed = 0;
        try
        {
            await using var context = new FigureContext(settings, work, Console.Error);
            foreach (var figure in figures)
            {
                Console.Error.WriteLine($"== {figure.Name}: {figure.Title}");
                var figureClock = Stopwatch.StartNew();
                try
                {
                    reports.Add(await figure.RunAsync(context, cancellationToken));
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // One broken figure does not lose the others: its section says what failed.
                    failed++;
                    Console.Error.WriteLine($"{figure.Name} failed: {ex}");
                    reports.Add(new FigureReport(figure).Paragraph($"Not measured in this run: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}"));
                }

                Console.Error.WriteLine($"== {figure.Name} took {figureClock.Elapsed.TotalSeconds:0.0} s");
            }
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A child process may still hold a file; the scratch folder is in /tmp.
            }
        }

        var document = BenchmarksDocument.Write(reports, commandLine, started, clock.Elapsed);
        Console.WriteLine(document);
        if (settings.Out is { } path)
        {
            await File.WriteAllTextAsync(path, document, cancellationToken);
            Console.Error.WriteLine($"wrote {Path.GetFullPath(path)}");
        }

        return failed == 0 ? 0 : 1;
    }
}
