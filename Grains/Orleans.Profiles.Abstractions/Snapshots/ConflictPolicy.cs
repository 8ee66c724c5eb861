namespace Orleans.Profiles;

/// <summary>Which snapshot becomes current when a commit's base is no longer the current snapshot.</summary>
public enum ConflictPolicy
{
    /// <summary>The late commit becomes current; the snapshot it replaced stays in history (the default).</summary>
    NewestWins,

    /// <summary>The current snapshot stays current; the late commit is kept in history, marked, for a restore.</summary>
    KeepCurrent,
}
