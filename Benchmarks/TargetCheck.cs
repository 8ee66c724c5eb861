namespace Orleans.Profiles.Benchmarks;

/// <summary>
/// One target of issue 13 against what was measured: <paramref name="Ratio"/> is measured over baseline
/// (or the measured value itself for absolute targets), met when it is within <paramref name="Limit"/>.
/// </summary>
/// <param name="Target">What the target says, e.g. "edited-hive push ≤ 0.05× rsync".</param>
/// <param name="Ratio">The measured ratio (or absolute value in <paramref name="Unit"/>).</param>
/// <param name="Limit">The largest (or, when <paramref name="AtLeast"/>, smallest) value that meets it.</param>
/// <param name="Why">When missed: why, and what would close it.</param>
public sealed record TargetCheck(string Target, double Ratio, double Limit, string Unit = "×", bool AtLeast = false, string? Why = null)
{
    public bool Met => AtLeast ? Ratio >= Limit : Ratio <= Limit;

    /// <summary>"met" or "missed by 3.2×".</summary>
    public string Verdict => Met ? "met"
        : Limit == 0 ? "missed"
        : $"missed by {(AtLeast ? Limit / Ratio : Ratio / Limit):0.##}×";
}
