using System.Collections.Immutable;

namespace Orleans.Profiles;

/// <summary>
/// The staging side of a profile: an upload is a session that stages chunks and swaps the new
/// snapshot in only on a complete, checksummed commit. Every call is idempotent, so an agent
/// retries after a lost reply and resumes after a lost connection. Same activation as <see cref="IProfileGrain"/>.
/// </summary>
[Alias("Orleans.Profiles.IProfileUploadGrain")]
public interface IProfileUploadGrain : IGrainWithStringKey, IProfileContract
{
    /// <summary>Opens or resumes a session; answers with the chunks the store still lacks.</summary>
    [Alias("BeginUpload")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine)]
    Task<UploadSessionStatus> BeginUpload(BeginUploadRequest request);

    /// <summary>
    /// Opens or resumes a session from a delta against a snapshot this profile still holds: rebuilds every changed chunk
    /// from the base, checks the manifest hash over the rebuilt chunks, and stages them. Throws
    /// <see cref="DeltaBaseUnavailableException"/> when the base is gone and <see cref="DeltaRejectedException"/> when the
    /// delta does not rebuild; either way nothing is stored.
    /// </summary>
    [Alias("BeginDeltaUpload")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine)]
    Task<UploadSessionStatus> BeginDeltaUpload(DeltaUploadRequest request);

    /// <summary>Verifies each chunk's SHA-256 and stages it; answers how many chunks are still missing.</summary>
    [Alias("PutChunks")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine)]
    Task<int> PutChunks(Guid sessionId, ImmutableArray<ChunkPayload> chunks);

    /// <summary>Like <see cref="PutChunks"/>, for a batch that travels as one compressed frame; each chunk is verified after it is unpacked.</summary>
    [Alias("PutCompressedChunks")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine)]
    Task<int> PutCompressedChunks(Guid sessionId, CompressedChunks chunks);

    /// <summary>Checks every chunk and file hash and makes the snapshot current in one state write.</summary>
    [Alias("CommitUpload")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine)]
    Task<CommitResult> CommitUpload(Guid sessionId);

    /// <summary>Discards a session and what it staged; the current snapshot is untouched.</summary>
    /// <remarks>Not for machine tokens: a push never aborts, and a workstation has no business discarding another's session.</remarks>
    [Alias("AbortUpload")]
    [ProfileAccess(ProfileAccess.Owner)]
    Task AbortUpload(Guid sessionId);
}
