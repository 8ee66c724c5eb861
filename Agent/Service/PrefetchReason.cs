namespace Orleans.Profiles.Agent.Service;

/// <summary>Why the service looks at a user's current snapshot (in its log).</summary>
public enum PrefetchReason
{
    /// <summary>Another machine committed a snapshot and the cluster said so.</summary>
    Notification,

    /// <summary>The periodic check, or a subscription found new (one lost with a silo): catches a missed notification.</summary>
    Check,

    /// <summary>The user logged on: too late to fetch, but a newer snapshot in the store is warned about.</summary>
    Logon,
}
