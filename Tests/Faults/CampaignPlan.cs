namespace Orleans.Profiles.Tests.Faults;

/// <summary>What a campaign step asks the agent to do.</summary>
public enum CampaignOperation
{
    /// <summary>Change some pages and files of a workstation's profile folder, then push it (a logoff).</summary>
    Push,

    /// <summary>Pull the current snapshot into a workstation's existing folder (a logon where the profile is cached).</summary>
    PullIntoWorkstation,

    /// <summary>Pull the current snapshot into a new, empty folder (a logon on a new machine).</summary>
    PullIntoFreshFolder,

    /// <summary><c>pull --snapshot N</c> of an acknowledged snapshot into a new folder.</summary>
    PullSnapshot,
}

/// <summary>The fault injected into a step.</summary>
public enum FaultKind
{
    /// <summary>The proxy resets every connection; reconnects are accepted.</summary>
    ConnectionCut,

    /// <summary>The proxy resets every connection and refuses new ones for a while, or until the agent gives up.</summary>
    ConnectionCutAndRefuse,

    /// <summary>The proxy stops forwarding (without closing) for a while.</summary>
    ConnectionStall,

    /// <summary>SIGKILL of the agent (a switched-off workstation).</summary>
    AgentKill,

    /// <summary>SIGKILL of the silo, then a new silo over the same data folder and ports.</summary>
    SiloKill,

    /// <summary>The storage goes away and comes back (local mode: SIGTERM of the silo, then a new one over the same data folder).</summary>
    StorageRestart,
}

/// <summary>When the fault is applied.</summary>
public enum FaultTrigger
{
    /// <summary>When the proxy has forwarded <see cref="FaultPlan.Offset"/> more bytes in <see cref="FaultPlan.Direction"/>.</summary>
    ProxyBytes,

    /// <summary>When the agent prints its first <c>progress:</c> line (a batch was acknowledged or fetched).</summary>
    FirstProgressLine,

    /// <summary>When the silo logs that the upload session began or resumed.</summary>
    SessionBegun,

    /// <summary>When the proxy has forwarded about every byte of the push's last batch: the commit is next.</summary>
    LastBatch,

    /// <summary>When the silo logs the commit: the acknowledgement may not reach the agent.</summary>
    CommitLogged,

    /// <summary>When a pull's journal appears in the agent's state folder: every file is verified and the renames begin.</summary>
    PullJournal,
}

/// <summary>One injected fault.</summary>
/// <param name="Offset">For byte triggers: bytes after the start of the step.</param>
/// <param name="For">How long a stall or a refusal lasts; null for a refusal means until the agent exits.</param>
/// <param name="BandwidthLimitKiB">The agent's <c>--bwlimit</c> (0: none), to make a kill land mid-transfer.</param>
public sealed record FaultPlan(FaultKind Kind, FaultTrigger Trigger, ProxyDirection Direction, long Offset, TimeSpan? For, long BandwidthLimitKiB, int Retries)
{
    public bool UsesProxyBreakpoint => Kind is FaultKind.ConnectionCut or FaultKind.ConnectionCutAndRefuse or FaultKind.ConnectionStall;

    public bool RestartsSilo => Kind is FaultKind.SiloKill or FaultKind.StorageRestart;

    public override string ToString()
    {
        var when = Trigger switch
        {
            FaultTrigger.ProxyBytes => $"after {Offset} bytes {(Direction == ProxyDirection.ToServer ? "to the server" : "to the agent")}",
            FaultTrigger.FirstProgressLine => "after the agent's first progress line",
            FaultTrigger.SessionBegun => "when the silo logs the upload session",
            FaultTrigger.LastBatch => $"after {Offset} bytes to the server (about the end of the last batch)",
            FaultTrigger.CommitLogged => "when the silo logs the commit",
            FaultTrigger.PullJournal => "when the pull writes its journal (renames begin)",
            _ => Trigger.ToString(),
        };
        var what = Kind switch
        {
            FaultKind.ConnectionStall => $"{Kind} for {For!.Value.TotalSeconds:0.##} s",
            FaultKind.ConnectionCutAndRefuse => $"{Kind} {(For is { } d ? $"for {d.TotalSeconds:0.##} s" : "until the agent exits")}",
            _ => Kind.ToString(),
        };
        return $"{what} {when}{(BandwidthLimitKiB > 0 ? $", --bwlimit {BandwidthLimitKiB}" : "")}, --retries {Retries}";
    }
}

/// <summary>How a push changes the workstation's folder first.</summary>
public sealed record ChangePlan(int[] HivePages, bool SecondHive, string? RewrittenFile, string? AddedFile, string? DeletedFile, int Seed)
{
    public override string ToString()
        => $"{HivePages.Length} hive page(s)"
           + (SecondHive ? ", a page of UsrClass.dat" : "")
           + (RewrittenFile is null ? "" : $", rewrite {RewrittenFile}")
           + (AddedFile is null ? "" : $", add {AddedFile}")
           + (DeletedFile is null ? "" : $", delete {DeletedFile}");
}

/// <summary>One step of a campaign: an operation by one user's agent with one injected fault.</summary>
public sealed record StepPlan(int Number, int User, CampaignOperation Operation, int Workstation, int Snapshot, ChangePlan? Change, FaultPlan Fault, string? Note)
{
    public string Describe(string account)
    {
        var what = Operation switch
        {
            CampaignOperation.Push => $"push from ws{Workstation} ({Change})",
            CampaignOperation.PullIntoWorkstation => $"pull into ws{Workstation}",
            CampaignOperation.PullIntoFreshFolder => "pull into a fresh folder",
            CampaignOperation.PullSnapshot => $"pull --snapshot {Snapshot} into a fresh folder",
            _ => Operation.ToString(),
        };
        return $"{account}: {what}; fault: {Fault}{(Note is null ? "" : $" ({Note})")}";
    }
}
