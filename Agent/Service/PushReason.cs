namespace Orleans.Profiles.Agent.Service;

/// <summary>Why the service pushes a profile (in its log and in <c>service status</c>).</summary>
public enum PushReason
{
    /// <summary>The user logged off and the profile service unloaded the hive.</summary>
    Logoff,

    /// <summary>The periodic sweep found changes not pushed yet (a missed logoff, a restart, a power cut).</summary>
    Sweep,

    /// <summary>Another machine committed while this one had changes not pushed: they are pushed before the pull, and the conflict policy decides.</summary>
    BeforePrefetch,
}
