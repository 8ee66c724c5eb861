namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// What the workstation service is told in <c>%ProgramData%\Orleans.Profiles\agent.json</c> (written by
/// <c>service install</c>): where the store is, who roams on this machine, when to push, and what not to.
/// </summary>
public sealed class AgentServiceOptions
{
    public const string ServiceName = "OrleansProfilesAgent";
    public const string DisplayName = "Orleans.Profiles agent";
    public const string EventLogSource = ServiceName;
    public const string DefaultClusterId = "orleans-profiles";
    public const bool DefaultPrefetch = true;
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultUnloadTimeout = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultUnloadCheckInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultResubscribeInterval = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultCheckInterval = TimeSpan.FromMinutes(5);

    /// <summary>The silos' gateways, <c>HOST:PORT</c>.</summary>
    public List<string> Gateways { get; set; } = [];

    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>This workstation's name in history (two Wine prefixes on one host need distinct ones).</summary>
    public string Machine { get; set; } = Environment.MachineName;

    /// <summary>The machine token (<c>token issue --machine</c>); null when the store needs none.</summary>
    public string? TokenFile { get; set; }

    /// <summary>The silos' CA certificate (PEM) when the gateways use TLS.</summary>
    public string? TlsCa { get; set; }

    /// <summary>How often every roaming user who is not logged on is checked and, if changed, pushed.</summary>
    public TimeSpan SweepInterval { get; set; } = DefaultSweepInterval;

    /// <summary>How long a logoff waits for the profile service to unload the hive before leaving it to the sweep.</summary>
    public TimeSpan UnloadTimeout { get; set; } = DefaultUnloadTimeout;

    public TimeSpan UnloadCheckInterval { get; set; } = DefaultUnloadCheckInterval;

    /// <summary>How long a stop (or the pre-shutdown) lets a push in flight finish.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = DefaultShutdownTimeout;

    /// <summary>
    /// Fetch each roaming user's newest snapshot while they are not logged on here (on a commit notification or the
    /// check). Stale-logon warnings work either way.
    /// </summary>
    public bool Prefetch { get; set; } = DefaultPrefetch;

    /// <summary>How often the commit subscriptions are renewed (also at once on a reconnect); a silo drops one not renewed within <see cref="CommitSubscription.Lifetime"/>.</summary>
    public TimeSpan ResubscribeInterval { get; set; } = DefaultResubscribeInterval;

    /// <summary>How often each roaming user's current snapshot is asked for, which catches a lost notification.</summary>
    public TimeSpan CheckInterval { get; set; } = DefaultCheckInterval;

    /// <summary>The users who roam, whatever the registry says.</summary>
    public List<RoamingUserOptions> Users { get; set; } = [];

    /// <summary>Also roam the domain accounts of the registry's ProfileList whose name matches <see cref="AccountPattern"/>.</summary>
    public bool DiscoverDomainUsers { get; set; }

    /// <summary>A wildcard on <c>DOMAIN\user</c> (case-insensitive), e.g. <c>CONTOSO\*</c>; null takes every domain account.</summary>
    public string? AccountPattern { get; set; }

    /// <summary>Added to the default exclusions (profile-relative, wildcards).</summary>
    public List<string> Exclude { get; set; } = [];

    /// <summary>Added to the default inclusions, which win over exclusions.</summary>
    public List<string> Include { get; set; } = [];

    /// <summary>What was last synced for each user, and the service's own record (<c>service status</c> reads it).</summary>
    public string StateDirectory { get; set; } = AgentServicePaths.Default.StateDirectory;

    /// <summary>The rolling log files.</summary>
    public string LogDirectory { get; set; } = AgentServicePaths.Default.LogDirectory;
}
