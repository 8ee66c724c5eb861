namespace Orleans.Profiles;

/// <summary>What a commit whose registry hive fails the sanity check gets.</summary>
public enum DamagedHivePolicy
{
    /// <summary>Refused with <see cref="DamagedHiveException"/>; the last good snapshot stays current (the default).</summary>
    Refuse,

    /// <summary>Committed, with the damage recorded in the snapshot's warning, for sites that prefer any copy to none.</summary>
    AcceptAndMark,
}
