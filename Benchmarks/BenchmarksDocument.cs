using System.Runtime.InteropServices;
using System.Text;

namespace Orleans.Profiles.Benchmarks;

/// <summary>BENCHMARKS.md: the machine, how to reproduce, every target's verdict, then each figure's section.</summary>
public static class BenchmarksDocument
{
    public static string Write(IReadOnlyList<FigureReport> reports, string commandLine, DateTimeOffset started, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks").AppendLine();
        md.AppendLine("Written by the benchmark command from one run: every figure stands beside its baseline measured in the same run, on the same machine. Do not edit by hand; rerun it.").AppendLine();
        md.AppendLine("## How to reproduce").AppendLine();
        md.AppendLine("```sh").AppendLine(commandLine).AppendLine("```").AppendLine();
        md.AppendLine("`--hive-pair BASE EDITED` measures a given pair instead of the generated ones; `--users N` sets the storm size (default 200; the issue's 1,000 took 13.5 minutes here) and the fan-out's subscribers (default 1,000); `dotnet run -c Release --project Benchmarks -- --help` lists the figures. Baselines (rsync, xdelta3, zstd) are installed with apt-get when missing; Azurite comes from node_modules (`npm ci`).").AppendLine();
        md.AppendLine("## Machine").AppendLine();
        md.AppendLine($"- {RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture}, {Environment.ProcessorCount} logical CPU(s){CpuModel()}");
        md.AppendLine($"- {RuntimeInformation.FrameworkDescription}; run started {started:yyyy-MM-dd HH:mm} UTC, took {elapsed.TotalMinutes:0.0} min");
        md.AppendLine("- The machine is shared with other work: times carry that noise; bytes do not.").AppendLine();
        md.AppendLine("## Targets (issue 13)").AppendLine();
        md.AppendLine("| figure | target | measured | verdict |").AppendLine("| --- | --- | --- | --- |");
        foreach (var report in reports)
        {
            foreach (var target in report.Targets)
            {
                var measured = target.Unit == "×" ? FigureReport.Ratio(target.Ratio) : $"{FigureReport.Number(target.Ratio, target.Ratio < 10 ? "0.##" : "N0")} {target.Unit}";
                md.AppendLine($"| {report.Figure.Name} | {target.Target} | {measured} | {target.Verdict} |");
            }
        }

        md.AppendLine();
        var missed = reports.SelectMany(r => r.Targets.Where(t => !t.Met && t.Why is not null).Select(t => (r.Figure.Name, t))).ToArray();
        if (missed.Length > 0)
        {
            md.AppendLine("### Missed targets: why, and what would close them").AppendLine();
            foreach (var (figure, target) in missed)
            {
                md.AppendLine($"- **{figure}: {target.Target}** ({target.Verdict}): {target.Why}");
            }

            md.AppendLine();
        }

        foreach (var report in reports)
        {
            md.AppendLine($"## {report.Figure.Title}").AppendLine();
            md.Append(report.Body);
        }

        return md.ToString();
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "" : $" ({line[(line.IndexOf(':') + 1)..].Trim()})";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
