namespace Orleans.Profiles.Sync;

/// <summary>
/// An exclude or include pattern that cannot name paths inside a profile folder (empty, rooted,
/// leaving the folder with <c>..</c>); nothing is pushed or pulled with it.
/// </summary>
public sealed class InvalidProfilePatternException(string pattern, string reason)
    : ArgumentException($"the pattern \"{pattern}\" {reason}.")
{
    public string Pattern { get; } = pattern;

    public string Reason { get; } = reason;
}
