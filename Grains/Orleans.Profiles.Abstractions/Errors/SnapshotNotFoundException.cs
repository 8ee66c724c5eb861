namespace Orleans.Profiles;

/// <summary>A read or restore of a snapshot the profile does not have (or no longer retains).</summary>
[GenerateSerializer, Alias("Orleans.Profiles.SnapshotNotFoundException")]
public sealed class SnapshotNotFoundException : ProfileStoreException
{
    public SnapshotNotFoundException(string profile, int snapshot)
        : base(snapshot == 0 ? $"Profile \"{profile}\" has no snapshot yet." : $"Profile \"{profile}\" has no snapshot {snapshot}.")
    {
        Profile = profile;
        Snapshot = snapshot;
    }

    [Id(0)] public string Profile { get; private set; }

    [Id(1)] public int Snapshot { get; private set; }

    public override bool IsBadInput => true;
}
