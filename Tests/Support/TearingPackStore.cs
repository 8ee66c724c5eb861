using System.Collections.Immutable;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// A pack store that, when armed, fails its next stage the way a full disk does: the batch is
/// appended except for the second half of its last chunk, and the call throws.
/// </summary>
public sealed class TearingPackStore(IPackStore inner, Func<ProfileKey, Guid, string> stagingFile) : IPackStore
{
    private int _armed;

    public void TearNextStage() => Interlocked.Exchange(ref _armed, 1);

    public async Task StageAsync(ProfileKey profile, Guid session, IReadOnlyList<ChunkPayload> chunks, CancellationToken cancellationToken = default)
    {
        await inner.StageAsync(profile, session, chunks, cancellationToken);
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            var path = stagingFile(profile, session);
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                file.SetLength(file.Length - (chunks[^1].Data.Length / 2));
            }

            throw new IOException("No space left on device (simulated).");
        }
    }

    public Task<IReadOnlySet<ContentHash>> GetStagedAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
        => inner.GetStagedAsync(profile, session, cancellationToken);

    public Task<ImmutableArray<ChunkLocation>> CommitAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
        => inner.CommitAsync(profile, session, cancellationToken);

    public Task<IReadOnlySet<Guid>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default)
        => inner.ListAsync(profile, cancellationToken);

    public Task DiscardAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
        => inner.DiscardAsync(profile, session, cancellationToken);

    public Task<ImmutableArray<byte[]>> ReadAsync(ProfileKey profile, IReadOnlyList<ChunkLocation> chunks, CancellationToken cancellationToken = default)
        => inner.ReadAsync(profile, chunks, cancellationToken);
}
