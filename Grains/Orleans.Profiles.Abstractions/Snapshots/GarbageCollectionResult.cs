namespace Orleans.Profiles;

/// <summary>What a garbage collection of one profile removed.</summary>
/// <param name="SnapshotsDropped">History entries that left the retention window.</param>
/// <param name="ManifestsDeleted">Stored manifests no retained snapshot or open session uses.</param>
/// <param name="PacksDeleted">Packs and staging data no retained snapshot or open session references.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.GarbageCollectionResult")]
public sealed record GarbageCollectionResult(
    [property: Id(0)] int SnapshotsDropped,
    [property: Id(1)] int ManifestsDeleted,
    [property: Id(2)] int PacksDeleted);
