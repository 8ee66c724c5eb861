namespace Orleans.Profiles;

/// <summary>
/// A snapshot encoded against a base the workstation holds (<see cref="ProfileDelta"/>, chunks sent as hashes with
/// their locations), or no <paramref name="Delta"/> when that base is no longer in the store: then the agent reads the
/// whole snapshot.
/// </summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.SnapshotDelta")]
public sealed record SnapshotDelta(
    [property: Id(0)] SnapshotInfo Info,
    [property: Id(1)] byte[]? Delta);
