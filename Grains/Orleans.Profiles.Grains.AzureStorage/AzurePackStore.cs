using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.AzureStorage;

/// <summary>
/// Packs as block blobs, staged with Azure's own stage-then-commit. Each put batch (about 1 MiB of
/// chunks) becomes one uncommitted block (Put Block) whose fixed-length id is derived from the
/// batch's chunk hashes, and one record appended to the session's staging index (an append blob)
/// that says which chunks the block holds. Commit is one Put Block List: the pack appears whole or
/// not at all. A batch costs two storage operations rather than one per 4 KiB chunk, and a resumed
/// upload reads back what is staged from the index and the blob's block list, from any silo.
/// </summary>
public sealed class AzurePackStore(ProfileBlobContainer container) : IPackStore
{
    private const int RecordHeaderSize = ContentHash.Size + sizeof(int);
    private const int ChunkEntrySize = ContentHash.Size + sizeof(int);

    /// <summary>Adjacent chunks of a pack are read in one ranged download of at most this size.</summary>
    private const int MaxRangeBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Chunks this close are read in one download, the bytes between them dropped: a storage account limits requests per
    /// second, not bytes, and the pages an edit changes are spread over a hive (a delta push reads its base pages, a commit
    /// verifies the whole new file from the base's pack with holes where the new pages were). A download costs
    /// milliseconds where 256 KiB more of it costs about one (Azurite on loopback; more so against Azure's latency).
    /// </summary>
    private const int MaxGapBytes = 256 * 1024;

    public async Task<IReadOnlySet<ContentHash>> GetStagedAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
    {
        var staged = await ReadStagedBlocksAsync(profile, session, cancellationToken);
        return staged.SelectMany(b => b.Chunks).Select(c => c.Hash).ToHashSet();
    }

    public async Task StageAsync(ProfileKey profile, Guid session, IReadOnlyList<ChunkPayload> chunks, CancellationToken cancellationToken = default)
    {
        if (chunks.Count == 0)
        {
            return;
        }

        var record = new byte[RecordHeaderSize + (chunks.Count * ChunkEntrySize)];
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(ContentHash.Size), chunks.Count);
        var content = new MemoryStream(chunks.Sum(c => c.Data.Length));
        for (var i = 0; i < chunks.Count; i++)
        {
            var entry = record.AsSpan(RecordHeaderSize + (i * ChunkEntrySize));
            chunks[i].Hash.WriteTo(entry);
            BinaryPrimitives.WriteInt32LittleEndian(entry[ContentHash.Size..], chunks[i].Data.Length);
            content.Write(chunks[i].Data);
        }

        // The block id is the SHA-256 of the batch's chunk list: a retried batch stages the same block again.
        var blockId = SHA256.HashData(record.AsSpan(RecordHeaderSize));
        blockId.CopyTo(record, 0);

        // The block first, then the record naming it: a record never points at a block that is not there.
        content.Position = 0;
        await (await PackBlobAsync(profile, session)).StageBlockAsync(Convert.ToBase64String(blockId), content, cancellationToken: cancellationToken);
        var index = await IndexBlobAsync(profile, session);
        await index.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await index.AppendBlockAsync(new MemoryStream(record), cancellationToken: cancellationToken);
    }

    public async Task<ImmutableArray<ChunkLocation>> CommitAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
    {
        var staged = await ReadStagedBlocksAsync(profile, session, cancellationToken);
        if (staged.Count == 0)
        {
            return [];
        }

        var blob = await PackBlobAsync(profile, session);
        var committed = (await blob.GetBlockListAsync(BlockListTypes.Committed, cancellationToken: cancellationToken)).Value.CommittedBlocks.Select(b => b.Name);
        if (!committed.SequenceEqual(staged.Select(b => b.Id)))
        {
            await blob.CommitBlockListAsync(staged.Select(b => b.Id), cancellationToken: cancellationToken);
        }

        var locations = ImmutableArray.CreateBuilder<ChunkLocation>();
        long offset = 0;
        foreach (var block in staged)
        {
            foreach (var (hash, length) in block.Chunks)
            {
                locations.Add(new ChunkLocation(hash, session, offset, length));
                offset += length;
            }
        }

        return [.. locations.DistinctBy(l => l.Hash)];
    }

    public async Task<IReadOnlySet<Guid>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default)
    {
        var found = new HashSet<Guid>();
        var blobs = await container.GetAsync();
        foreach (var kind in new[] { "packs", "staging" })
        {
            await foreach (var blob in blobs.GetBlobsAsync(BlobTraits.None, BlobStates.Uncommitted, ProfileBlobContainer.BlobName(profile, kind, ""), cancellationToken))
            {
                if (Guid.TryParseExact(Path.GetFileNameWithoutExtension(blob.Name), "N", out var id))
                {
                    found.Add(id);
                }
            }
        }

        return found;
    }

    public async Task DiscardAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
    {
        // Uncommitted blocks of a blob that never committed are collected by the storage service itself.
        await (await PackBlobAsync(profile, session)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        await (await IndexBlobAsync(profile, session)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    public async Task<ImmutableArray<byte[]>> ReadAsync(ProfileKey profile, IReadOnlyList<ChunkLocation> chunks, CancellationToken cancellationToken = default)
    {
        // Checked before any range arithmetic: a hostile offset near long.MaxValue must not wrap around.
        if (chunks.FirstOrDefault(c => c.Offset < 0 || c.Length < 0 || c.Offset > long.MaxValue - c.Length) is { } outside)
        {
            throw new ChunkRejectedException(outside.Hash, "its location is outside its pack");
        }

        var result = new byte[chunks.Count][];
        foreach (var pack in chunks.Select((chunk, index) => (chunk, index)).GroupBy(c => c.chunk.Pack))
        {
            var blob = await PackBlobAsync(profile, pack.Key);
            foreach (var range in Coalesce(pack.OrderBy(c => c.chunk.Offset).ToList()))
            {
                var start = range[0].chunk.Offset;
                var end = range.Max(c => c.chunk.Offset + c.chunk.Length);
                BinaryData data;
                try
                {
                    data = (await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(start, end - start) }, cancellationToken)).Value.Content;
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 416)
                {
                    throw new ChunkRejectedException(range[0].chunk.Hash, "no committed pack of this profile holds it");
                }

                var bytes = data.ToMemory();
                foreach (var (chunk, index) in range)
                {
                    var at = chunk.Offset - start;
                    result[index] = at + chunk.Length <= bytes.Length
                        ? bytes.Slice((int)at, chunk.Length).ToArray()
                        : throw new ChunkRejectedException(chunk.Hash, "its pack is shorter than its location");
                }
            }
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(result);
    }

    /// <summary>
    /// The session's staged blocks in staging order, each listed once, keeping only those the pack
    /// blob really holds (staged or already committed by an earlier attempt of the same commit).
    /// </summary>
    private async Task<List<StagedBlock>> ReadStagedBlocksAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken)
    {
        byte[] index;
        try
        {
            index = (await (await IndexBlobAsync(profile, session)).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }

        HashSet<string> present;
        try
        {
            var blocks = (await (await PackBlobAsync(profile, session)).GetBlockListAsync(BlockListTypes.All, cancellationToken: cancellationToken)).Value;
            present = [.. blocks.CommittedBlocks.Concat(blocks.UncommittedBlocks).Select(b => b.Name)];
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }

        var staged = new List<StagedBlock>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var at = 0; at + RecordHeaderSize <= index.Length;)
        {
            var id = Convert.ToBase64String(index, at, ContentHash.Size);
            var count = BinaryPrimitives.ReadInt32LittleEndian(index.AsSpan(at + ContentHash.Size));
            var entries = index.AsSpan(at + RecordHeaderSize);
            if (count < 0 || entries.Length < count * ChunkEntrySize)
            {
                throw new InvalidDataException($"The staging index of session {session:N} of {profile} is damaged.");
            }

            var chunks = new (ContentHash, int)[count];
            for (var i = 0; i < count; i++)
            {
                var entry = entries.Slice(i * ChunkEntrySize, ChunkEntrySize);
                chunks[i] = (ContentHash.FromBytes(entry[..ContentHash.Size]), BinaryPrimitives.ReadInt32LittleEndian(entry[ContentHash.Size..]));
            }

            if (present.Contains(id) && seen.Add(id))
            {
                staged.Add(new StagedBlock(id, chunks));
            }

            at += RecordHeaderSize + (count * ChunkEntrySize);
        }

        return staged;
    }

    private async Task<BlockBlobClient> PackBlobAsync(ProfileKey profile, Guid pack)
        => (await container.GetAsync()).GetBlockBlobClient(ProfileBlobContainer.BlobName(profile, "packs", $"{pack:N}.pack"));

    private async Task<AppendBlobClient> IndexBlobAsync(ProfileKey profile, Guid session)
        => (await container.GetAsync()).GetAppendBlobClient(ProfileBlobContainer.BlobName(profile, "staging", $"{session:N}.index"));

    /// <summary>Groups offset-sorted chunks into runs that are contiguous but for small gaps, and fit one download.</summary>
    private static IEnumerable<List<(ChunkLocation chunk, int index)>> Coalesce(List<(ChunkLocation chunk, int index)> sorted)
    {
        var run = new List<(ChunkLocation chunk, int index)>();
        long start = 0, end = 0;
        foreach (var item in sorted)
        {
            if (run.Count > 0 && (item.chunk.Offset - end > MaxGapBytes || item.chunk.Offset + item.chunk.Length - start > MaxRangeBytes))
            {
                yield return run;
                run = [];
            }

            if (run.Count == 0)
            {
                start = end = item.chunk.Offset;
            }

            run.Add(item);
            end = Math.Max(end, item.chunk.Offset + item.chunk.Length);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }

    private sealed record StagedBlock(string Id, (ContentHash Hash, int Length)[] Chunks);
}
