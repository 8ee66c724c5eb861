using System.Collections.Immutable;

namespace Orleans.Profiles.Storage;

/// <summary>
/// Where chunk bytes live. An upload session stages its new chunks, then commits them as one pack
/// named after the session, so an upload costs a handful of storage operations rather than one per
/// chunk. Staged chunks are invisible to readers until <see cref="CommitAsync"/>. Implementations:
/// local files (temp, fsync, rename) and Azure block blobs (Put Block, then Put Block List).
/// </summary>
public interface IPackStore
{
    /// <summary>What the session has staged so far, including before a silo restart; repairs a torn tail.</summary>
    Task<IReadOnlySet<ContentHash>> GetStagedAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default);

    /// <summary>Durably stages verified chunks; chunks already staged are skipped.</summary>
    Task StageAsync(ProfileKey profile, Guid session, IReadOnlyList<ChunkPayload> chunks, CancellationToken cancellationToken = default);

    /// <summary>Turns the session's staged chunks into the pack <paramref name="session"/> and says where each chunk is. Idempotent.</summary>
    Task<ImmutableArray<ChunkLocation>> CommitAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default);

    /// <summary>Every pack and staging session this profile has in storage, committed or not: what garbage collection weighs.</summary>
    Task<IReadOnlySet<Guid>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default);

    /// <summary>Removes a session's staged chunks and its pack, if no snapshot took it.</summary>
    Task DiscardAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default);

    /// <summary>The bytes of committed chunks, in order.</summary>
    /// <exception cref="ChunkRejectedException">A location names no committed pack of this profile.</exception>
    Task<ImmutableArray<byte[]>> ReadAsync(ProfileKey profile, IReadOnlyList<ChunkLocation> chunks, CancellationToken cancellationToken = default);
}
