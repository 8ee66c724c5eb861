namespace Orleans.Profiles;

/// <summary>
/// Opens (or resumes) an upload session like <see cref="BeginUploadRequest"/>, with the manifest and its changed chunks
/// encoded against <paramref name="BaseSnapshot"/> (<see cref="ProfileDelta"/>): what a logoff push sends.
/// </summary>
/// <param name="ManifestHash">The hash of the whole manifest the delta rebuilds to; the store recomputes it from the rebuilt chunks.</param>
/// <param name="Delta">The <see cref="ProfileDelta"/> encoding against <paramref name="BaseSnapshot"/>.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.DeltaUploadRequest")]
public sealed record DeltaUploadRequest(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] ContentHash ManifestHash,
    [property: Id(2)] int BaseSnapshot,
    [property: Id(3)] string Machine,
    [property: Id(4)] byte[] Delta);
