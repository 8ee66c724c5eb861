namespace Orleans.Profiles.Uploads;

/// <summary>An open upload session as grain state records it; its manifest is in the manifest store.</summary>
/// <param name="IndexSnapshot">The snapshot that was current at begin: chunks it holds need not be sent again.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.UploadSession")]
public sealed record UploadSession(
    [property: Id(0)] Guid Id,
    [property: Id(1)] ContentHash ManifestHash,
    [property: Id(2)] int BaseSnapshot,
    [property: Id(3)] int IndexSnapshot,
    [property: Id(4)] string Machine,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset ExpiresAt);
