using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Local;

/// <summary>
/// Packs as files. A session appends its chunks to <c>staging/{session}.stage</c> as records
/// (<c>OPCK</c>, length, SHA-256, bytes), each batch flushed to disk before it is acknowledged; commit
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
            var header = new byte[HeaderSize];
            foreach (var chunk in chunks)
            {
                PackRecord.WriteHeader(header, chunk.Hash, chunk.Data.Length);
                await stream.WriteAsync(header, cancellationToken);
                await stream.WriteAsync(chunk.Data, cancellationToken);
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
                if (chunk.Offset < HeaderSize || chunk.Length < 0 || chunk.Offset > length - chunk.Length)
                {
                    throw new ChunkRejectedException(chunk.Hash, "its location is outside its pack");
                }

                var data = new byte[chunk.Length];
                var read = await RandomAccess.ReadAsync(handle, data, chunk.Offset, cancellationToken);
                result[index] = read == data.Length ? data : throw new ChunkRejectedException(chunk.Hash, "its pack is shorter than its location");
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
            var header = new byte[HeaderSize];
            var data = Array.Empty<byte>();
            while (await RandomAccess.ReadAsync(handle, header, good, cancellationToken) == HeaderSize
                   && PackRecord.TryReadHeader(header, out var hash, out var length)
                   && length <= fileLength - good - HeaderSize)
            {
                if (verify)
                {
                    if (data.Length < length)
                    {
                        data = new byte[length];
                    }

                    if (await RandomAccess.ReadAsync(handle, data.AsMemory(0, length), good + HeaderSize, cancellationToken) != length
                        || ContentHash.Compute(data.AsSpan(0, length)) != hash)
                    {
                        break;
                    }
                }

                records.Add((hash, good + HeaderSize, length));
                good += HeaderSize + length;
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
