namespace Orleans.Profiles;

/// <summary>The bytes of one chunk, sent in batches of about 1 MiB.</summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ChunkPayload")]
public sealed record ChunkPayload(
    [property: Id(0)] ContentHash Hash,
    [property: Id(1)] byte[] Data);
