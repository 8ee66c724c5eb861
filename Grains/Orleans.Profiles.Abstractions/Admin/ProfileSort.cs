namespace Orleans.Profiles;

/// <summary>The order of <c>admin list</c>; ties are broken by account.</summary>
public enum ProfileSort
{
    /// <summary>By account name (ordinal, as keys are normalised).</summary>
    Account,

    /// <summary>Largest retained bytes first: whose profile is growing.</summary>
    Size,

    /// <summary>Most recent commit first; profiles never committed last.</summary>
    LastCommit,
}
