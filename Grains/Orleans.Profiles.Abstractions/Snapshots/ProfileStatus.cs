namespace Orleans.Profiles;

/// <summary>A profile at a glance.</summary>
/// <param name="Current">The current snapshot, or null before the first commit.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ProfileStatus")]
public sealed record ProfileStatus(
    [property: Id(0)] string Profile,
    [property: Id(1)] SnapshotInfo? Current,
    [property: Id(2)] int Snapshots,
    [property: Id(3)] int OpenSessions);
