using System.Collections.Immutable;

namespace Orleans.Profiles;

/// <summary>What an upload session still needs.</summary>
/// <param name="Missing">The chunks the store lacks, in manifest order.</param>
/// <param name="TotalChunks">The distinct chunks the manifest references.</param>
/// <param name="CommittedSnapshot">Non-zero when this session already committed (a retried begin after a lost reply).</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.UploadSessionStatus")]
public sealed record UploadSessionStatus(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] ImmutableArray<ContentHash> Missing,
    [property: Id(2)] int TotalChunks,
    [property: Id(3)] int CommittedSnapshot);
