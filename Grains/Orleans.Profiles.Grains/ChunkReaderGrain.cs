using Orleans.Profiles.Telemetry;
using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles;

/// <summary>Serves committed chunk bytes of one profile from whichever silo took the call.</summary>
[StatelessWorker]
public sealed class ChunkReaderGrain(IPackStore packs, IOptions<ProfileStoreOptions> options, ProfileStoreMetrics metrics) : Grain, IChunkReaderGrain
{
    private readonly int _maxReadBytes = options.Value.MaxReadBytes;

    public async Task<ImmutableArray<byte[]>> ReadChunks(ImmutableArray<ChunkLocation> chunks)
    {
        var profile = ProfileKey.ParseNormalized(this.GetPrimaryKeyString());
        if (chunks.IsDefaultOrEmpty)
        {
            return [];
        }

        var bytes = chunks.Sum(c => (long)(c?.Length ?? 0));
        if (bytes > _maxReadBytes)
        {
            throw new RequestLimitException("the bytes asked for in one read", bytes, _maxReadBytes);
        }

        if (chunks.Any(c => c is null))
        {
            throw new ChunkRejectedException(default, "a chunk location is empty");
        }

        var data = await packs.ReadAsync(profile, chunks);
        metrics.BytesRead.Add(bytes);
        return data;
    }

    public async Task<byte[]> ReadCompressedChunks(ImmutableArray<ChunkLocation> chunks)
    {
        var data = await ReadChunks(chunks);

        // Off the turn: a stateless worker's activations are few (one per core), and a logon storm compresses for everyone.
        return data.IsEmpty ? [] : await Task.Run(() => CompressedChunks.Of([.. chunks.Select((c, i) => (c.Hash, data[i]))], ChunkCompression.ServeLevel).Data);
    }
}
