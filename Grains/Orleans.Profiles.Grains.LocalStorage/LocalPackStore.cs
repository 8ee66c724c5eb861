using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Local;

/// <summary>
/// Packs as files. A session appends its chunks to <c>staging/{session}.stage</c> as records
/// (<see cref="PackRecord"/>: a header with the chunk's SHA-256, then its bytes, compressed when that is smaller), each batch flushed to disk before it is acknowledged; commit
/// renames the file to <c>packs/{session}.pack</c>, the local form of Azure's Put Block List.
/// </summary>
public sealed class LocalPackStore(IOptions<LocalStorageOptions> options) : IPackStore
{
    private const int HeaderSize = PackRecord.HeaderSize;

    private readonly LocalStorageOptions _options = options.Value;

    public async Task<IReadOnlySet<ContentHash>> GetStagedAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
    {
        var staging = StagingPath(profile, session);
        var path = File.Exists(staging) ? staging : PackPath(profile, session);
        var records = await ScanAsync(path, repair: path == staging, verify: true, cancellationToken);
        return records.Select(r => r.Hash).ToHashSet();
    }

    public async Task StageAsync(ProfileKey profile, Guid session, IReadOnlyList<ChunkPayload> chunks, CancellationToken cancellationToken = default)
    {
        var path = StagingPath(profile, session);
        var directory = Path.GetDirectoryName(path)!;
        var created = !File.Exists(path);
        Directory.CreateDirectory(directory);
        await using (var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024, FileOptions.Asynchronous))
        {
            foreach (var chunk in chunks)
            {
                // Compressed when that makes the record smaller (PackRecord); the hash stays the chunk's own.
                await stream.WriteAsync(PackRecord.Encode(chunk), cancellationToken);
            }

            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        if (created)
        {
            AtomicFile.FlushDirectory(directory);
        }
    }

    public async Task<ImmutableArray<ChunkLocation>> CommitAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
    {
        var staging = StagingPath(profile, session);
        var pack = PackPath(profile, session);
        if (File.Exists(staging))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(pack)!);
            AtomicFile.MoveDurably(staging, pack);
        }

        // A retried commit finds the pack already renamed; a session with nothing new has no pack. Every
        // record was verified as it was staged and the commit verifies every new file from the pack: here
        // only the headers are read, for the locations.
        var records = await ScanAsync(pack, repair: false, verify: false, cancellationToken);
        return [.. records.DistinctBy(r => r.Hash).Select(r => new ChunkLocation(r.Hash, session, r.Offset, r.Length))];
    }

    public Task<IReadOnlySet<Guid>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default)
    {
        var found = new HashSet<Guid>();
        foreach (var (folder, extension) in new[] { ("staging", ".stage"), ("packs", ".pack") })
        {
            var directory = Path.Combine(_options.ProfileDirectory(profile), folder);
            if (Directory.Exists(directory))
            {
                foreach (var file in Directory.EnumerateFiles(directory, "*" + extension))
                {
                    if (Guid.TryParseExact(Path.GetFileNameWithoutExtension(file), "N", out var id))
                    {
                        found.Add(id);
                    }
                }
            }
        }

        return Task.FromResult<IReadOnlySet<Guid>>(found);
    }

    public Task DiscardAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
    {
        DeleteIfPresent(StagingPath(profile, session));
        DeleteIfPresent(PackPath(profile, session));
        return Task.CompletedTask;
    }

    /// <summary>Deletes a file that may be absent, its folder included (File.Delete throws when the folder is missing).</summary>
    private static void DeleteIfPresent(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public async Task<ImmutableArray<byte[]>> ReadAsync(ProfileKey profile, IReadOnlyList<ChunkLocation> chunks, CancellationToken cancellationToken = default)
    {
        var result = new byte[chunks.Count][];
        foreach (var group in chunks.Select((chunk, index) => (chunk, index)).GroupBy(c => c.chunk.Pack))
        {
            using var handle = OpenPack(profile, group.Key, group.First().chunk.Hash);
            var length = RandomAccess.GetLength(handle);
            foreach (var (chunk, index) in group)
            {
                // Offset > length - Length, not Offset + Length > length: a hostile offset near long.MaxValue must not wrap around.
                // A compressed record is never longer than its chunk, so header and chunk length bound it too.
                if (chunk.Offset < HeaderSize || chunk.Length < 0 || chunk.Length > ProfileChunker.MaxChunkSize || chunk.Offset > length)
                {
                    throw new ChunkRejectedException(chunk.Hash, "its location is outside its pack");
                }

                // The header and the stored bytes in one read: the header says whether they are compressed.
                var record = new byte[(int)Math.Min(HeaderSize + (long)chunk.Length, length - chunk.Offset + HeaderSize)];
                var read = await RandomAccess.ReadAsync(handle, record, chunk.Offset - HeaderSize, cancellationToken);
                // A location is the chunk's record or nothing: its header names the chunk, and its length is the chunk's.
                var isRecord = PackRecord.TryReadHeader(record.AsSpan(0, read), out var hash, out var stored, out var compressed) && hash == chunk.Hash;
                var fits = stored <= read - HeaderSize;
                var recordLength = !isRecord ? -1 : !compressed ? stored : fits ? PackRecord.ReadChunkLength(record.AsSpan(HeaderSize, stored)) : -1;
                if (recordLength != chunk.Length || !fits)
                {
                    throw new ChunkRejectedException(
                        chunk.Hash,
                        chunk.Offset > length - chunk.Length || (isRecord && !fits) ? "its location is outside its pack" : "its location is not a record of it in its pack");
                }

                result[index] = PackRecord.Decode(record.AsSpan(HeaderSize, stored), compressed, chunk.Length)
                    ?? throw new ChunkRejectedException(chunk.Hash, "its stored record is damaged (it does not unpack to its length)");
            }
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(result);
    }

    private Microsoft.Win32.SafeHandles.SafeFileHandle OpenPack(ProfileKey profile, Guid pack, ContentHash hash)
    {
        try
        {
            return File.OpenHandle(PackPath(profile, pack), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ChunkRejectedException(hash, "no committed pack of this profile holds it");
        }
    }

    /// <summary>
    /// Reads a staging file or pack record by record, with <paramref name="verify"/> hashing each chunk, else
    /// reading only the headers. A torn or damaged tail (a crash mid-append) ends the scan; with
    /// <paramref name="repair"/> it is cut off so appends resume cleanly.
    /// </summary>
    private static async Task<List<(ContentHash Hash, long Offset, int Length)>> ScanAsync(string path, bool repair, bool verify, CancellationToken cancellationToken)
    {
        var records = new List<(ContentHash, long, int)>();
        if (!File.Exists(path))
        {
            return records;
        }

        long good = 0;
        using (var handle = File.OpenHandle(path, FileMode.Open, repair ? FileAccess.ReadWrite : FileAccess.Read, FileShare.Read, FileOptions.Asynchronous))
        {
            var fileLength = RandomAccess.GetLength(handle);
            var header = new byte[HeaderSize + PackRecord.LengthPrefixSize];
            var data = Array.Empty<byte>();
            while (await RandomAccess.ReadAsync(handle, header, good, cancellationToken) is var headerRead and >= HeaderSize
                   && PackRecord.TryReadHeader(header, out var hash, out var stored, out var compressed)
                   && stored <= fileLength - good - HeaderSize)
            {
                // A compressed record's chunk length opens its stored bytes (inside the file: the length check above).
                var length = compressed ? PackRecord.ReadChunkLength(header.AsSpan(HeaderSize, headerRead - HeaderSize)) : stored;
                if (length < 0)
                {
                    break;
                }

                if (verify)
                {
                    if (data.Length < stored)
                    {
                        data = new byte[stored];
                    }

                    if (await RandomAccess.ReadAsync(handle, data.AsMemory(0, stored), good + HeaderSize, cancellationToken) != stored
                        || PackRecord.Decode(data.AsSpan(0, stored), compressed, length) is not { } chunk
                        || ContentHash.Compute(chunk) != hash)
                    {
                        break;
                    }
                }

                records.Add((hash, good + HeaderSize, length));
                good += HeaderSize + stored;
            }

            if (repair && good < fileLength)
            {
                RandomAccess.SetLength(handle, good);
                RandomAccess.FlushToDisk(handle);
            }
        }

        return records;
    }

    private string StagingPath(ProfileKey profile, Guid session) => Path.Combine(_options.ProfileDirectory(profile), "staging", $"{session:N}.stage");

    private string PackPath(ProfileKey profile, Guid pack) => Path.Combine(_options.ProfileDirectory(profile), "packs", $"{pack:N}.pack");
}
