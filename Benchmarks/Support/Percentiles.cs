namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>Nearest-rank percentiles of measured times.</summary>
public static class Percentiles
{
    public static TimeSpan Of(IReadOnlyCollection<TimeSpan> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
