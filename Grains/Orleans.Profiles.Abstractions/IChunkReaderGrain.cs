using System.Collections.Immutable;

namespace Orleans.Profiles;

/// <summary>
/// Reads committed chunk bytes of one profile (keyed like <see cref="IProfileGrain"/>). A stateless
/// worker, so the bulk of a logon's reads run on the silo that took the call, in parallel, and
/// never queue behind an upload on the profile grain.
/// </summary>
[Alias("Orleans.Profiles.IChunkReaderGrain")]
public interface IChunkReaderGrain : IGrainWithStringKey, IProfileContract
{
    /// <summary>The bytes of each location, in order. The caller verifies them against their hashes.</summary>
    [Alias("ReadChunks")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine)]
    Task<ImmutableArray<byte[]>> ReadChunks(ImmutableArray<ChunkLocation> chunks);

    /// <summary>The same bytes as <see cref="ReadChunks"/>, end to end in one compressed frame (<see cref="ChunkCompression"/>).</summary>
    [Alias("ReadCompressedChunks")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine)]
    Task<byte[]> ReadCompressedChunks(ImmutableArray<ChunkLocation> chunks);
}
