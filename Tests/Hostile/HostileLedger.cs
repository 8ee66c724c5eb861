using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>
/// Counts the hostile requests actually sent to the cluster, by kind ("family:variant"), for one
/// test and for the whole test run (every hostile test adds to the run's count).
/// </summary>
public sealed class HostileLedger
{
    private static readonly ConcurrentDictionary<string, int> Run = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Total => _counts.Values.Sum();

    public static int RunTotal => Run.Values.Sum();

    public void Count(string kind)
    {
        _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Run.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    public int CountOf(string family) => _counts.Where(c => c.Key.StartsWith(family + ":", StringComparison.Ordinal)).Sum(c => c.Value);

    /// <summary>Per kind, per family and in total, then the run's total so far.</summary>
    public void Report(ITestOutputHelper output, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        foreach (var family in _counts.GroupBy(c => c.Key.Split(':')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{family.Key}: {family.Sum(c => c.Value)} requests (");
            text.AppendJoin(", ", family.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key[(family.Key.Length + 1)..]} {c.Value}"));
            text.AppendLine(")");
        }

        text.Append(CultureInfo.InvariantCulture, $"total: {Total} hostile requests in {elapsed.TotalSeconds:F1} s; hostile requests in this test run so far: {RunTotal}");
        output.WriteLine(text.ToString());
    }
}
