namespace Orleans.Profiles;

/// <summary>A committed snapshot with its manifest: what a logon reads.</summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.Snapshot")]
public sealed record Snapshot(
    [property: Id(0)] SnapshotInfo Info,
    [property: Id(1)] ProfileManifest Manifest);
