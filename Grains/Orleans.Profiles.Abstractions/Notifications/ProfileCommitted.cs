namespace Orleans.Profiles;

/// <summary>A snapshot became part of a profile's history (it may not be current: see <see cref="SnapshotInfo.LostTo"/>).</summary>
/// <param name="Current">The profile's current snapshot number after the commit.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ProfileCommitted")]
public sealed record ProfileCommitted(
    [property: Id(0)] string Profile,
    [property: Id(1)] SnapshotInfo Snapshot,
    [property: Id(2)] int Current);
