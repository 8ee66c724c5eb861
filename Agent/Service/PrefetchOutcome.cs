namespace Orleans.Profiles.Agent.Service;

/// <summary>What a look at a user's current snapshot did.</summary>
public enum PrefetchOutcome
{
    /// <summary>This machine already had the current snapshot (or the store has none).</summary>
    Current,

    /// <summary>The current snapshot was pulled into the user's folder.</summary>
    Fetched,

    /// <summary>Not now: the user is logged on, the hive loaded, pre-fetch is off, or local changes could not be pushed first.</summary>
    Deferred,

    /// <summary>The user logged on while the store held a newer snapshot: warned.</summary>
    Stale,

    Failed,
}
