namespace Orleans.Profiles;

/// <summary>Where the bytes of a chunk live: a range of a pack.</summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ChunkLocation")]
public sealed record ChunkLocation(
    [property: Id(0)] ContentHash Hash,
    [property: Id(1)] Guid Pack,
    [property: Id(2)] long Offset,
    [property: Id(3)] int Length);
