namespace Orleans.Profiles;

/// <summary>The outcome of a commit or a restore.</summary>
/// <param name="AlreadyCommitted">True when this was a retry of a commit that had already succeeded.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.CommitResult")]
public sealed record CommitResult(
    [property: Id(0)] SnapshotInfo Snapshot,
    [property: Id(1)] bool AlreadyCommitted);
