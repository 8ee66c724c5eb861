using System.Collections.Immutable;
using System.Text;

namespace Orleans.Profiles;

/// <summary>
/// A manifest and its changed chunks encoded against a base snapshot both sides hold: the files that changed
/// (path, length, SHA-256, chunk size) with only the chunk positions that differ from the base file of the same
/// path, the paths removed, and one Zstandard frame holding the new bytes of those chunks, compressed with the
/// base chunks at the same positions as its dictionary. Chunk hashes of the payload are not sent: the receiver
/// rebuilds the bytes, hashes them and checks the whole manifest's hash, so a delta that does not rebuild
/// exactly is refused (<see cref="DeltaRejectedException"/>). Layout in docs/DESIGN.md ("Delta encoding").
/// </summary>
public sealed class ProfileDelta
{
    /// <summary>The most new bytes one delta carries; further changed chunks travel as hashes (and full chunks).</summary>
    public const int MaxPayloadBytes = 1024 * 1024;

    /// <summary>What a base page must save to be used: less is not worth reading it on the other side.</summary>
    private const int MinSavingBytes = 16;

    private const byte Version = 1;
    private const byte WithLocations = 1;
    private static ReadOnlySpan<byte> Magic => "OPDL"u8;

    private readonly List<Entry> _entries;
    private readonly ImmutableArray<ManifestFile> _unchanged;
    private readonly List<(string Path, long Length, ContentHash Sha256, int ChunkSize, ContentHash?[] Chunks)> _files;
    private readonly byte[] _payload;
    private readonly int _payloadLength;

    private ProfileDelta(List<Entry> entries, ImmutableArray<ManifestFile> unchanged, List<(string, long, ContentHash, int, ContentHash?[])> files, byte[] payload, int payloadLength, ImmutableArray<ChunkLocation> locations)
    {
        _entries = entries;
        _unchanged = unchanged;
        _files = files;
        _payload = payload;
        _payloadLength = payloadLength;
        Locations = locations;
    }

    /// <summary>The base chunks the payload was compressed against: the receiver supplies their bytes to <see cref="Rebuild"/>.</summary>
    public IReadOnlyList<ContentHash> BaseChunks => [.. _entries.Where(e => e.Kind == Kind.Delta).Select(e => e.BaseHash!.Value).Distinct()];

    /// <summary>Where the chunks sent as hashes are, when the sender said (a pull).</summary>
    public ImmutableArray<ChunkLocation> Locations { get; }

    /// <summary>How many changed chunks the payload carries.</summary>
    public int PayloadChunks => _entries.Count(e => e.Kind != Kind.Hash);

    /// <summary>
    /// The chunks of <paramref name="target"/> that differ from <paramref name="base"/> at the same position, in
    /// manifest order, each distinct hash once.
    /// </summary>
    public static List<DeltaChange> Changes(ProfileManifest @base, ProfileManifest target)
    {
        var baseFiles = @base.Files.ToDictionary(f => f.Path, ProfilePath.Comparer);
        var changes = new List<DeltaChange>();
        foreach (var file in target.Files)
        {
            baseFiles.TryGetValue(file.Path, out var old);
            if (old is not null && old.SameContentAs(file))
            {
                continue;
            }

            for (var i = 0; i < file.Chunks.Length; i++)
            {
                var baseHash = old is not null && old.ChunkSize == file.ChunkSize && i < old.Chunks.Length ? old.Chunks[i] : (ContentHash?)null;
                if (baseHash != file.Chunks[i] || old!.ChunkLength(i) != file.ChunkLength(i))
                {
                    changes.Add(new DeltaChange(file.Path, i, file.ChunkLength(i), file.Chunks[i], baseHash));
                }
            }
        }

        return changes;
    }

    /// <summary>
    /// Encodes <paramref name="target"/> against <paramref name="base"/>. <paramref name="bytes"/> holds the chunk
    /// bytes the sender has, by hash (target chunks, and the base chunks to compress against); a changed chunk
    /// whose bytes are absent, or beyond <paramref name="maxPayloadBytes"/>, is sent as its hash, with its
    /// location when <paramref name="locate"/> is given. A chunk that compresses no better against its base page
    /// than alone is sent whole (compressed).
    /// </summary>
    public static byte[] Encode(ProfileManifest @base, ProfileManifest target, IReadOnlyDictionary<ContentHash, byte[]> bytes, Func<ContentHash, ChunkLocation>? locate = null, int maxPayloadBytes = MaxPayloadBytes)
    {
        var changes = Changes(@base, target);
        var byPath = changes.GroupBy(c => c.Path, ProfilePath.Comparer).ToDictionary(g => g.Key, g => g.ToList(), ProfilePath.Comparer);
        var baseFiles = @base.Files.ToDictionary(f => f.Path, ProfilePath.Comparer);
        var targetPaths = target.Files.Select(f => f.Path).ToHashSet(ProfilePath.Comparer);

        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(locate is null ? (byte)0 : WithLocations);
        var removed = @base.Files.Where(f => !targetPaths.Contains(f.Path)).ToList();
        writer.Write7BitEncodedInt(removed.Count);
        foreach (var file in removed)
        {
            WritePath(writer, file.Path);
        }

        var changedFiles = target.Files.Where(f => !(baseFiles.TryGetValue(f.Path, out var old) && old.SameContentAs(f) && old.Path == f.Path)).ToList();
        var content = new MemoryStream();
        var dictionary = new MemoryStream();
        var payloadHashes = new HashSet<ContentHash>();
        Span<byte> digest = stackalloc byte[ContentHash.Size];
        writer.Write7BitEncodedInt(changedFiles.Count);
        foreach (var file in changedFiles)
        {
            WritePath(writer, file.Path);
            writer.Write7BitEncodedInt64(file.Length);
            file.Sha256.WriteTo(digest);
            writer.Write(digest);
            writer.Write7BitEncodedInt(file.ChunkSize);
            var fileChanges = byPath.GetValueOrDefault(file.Path) ?? [];
            writer.Write7BitEncodedInt(fileChanges.Count);
            var previous = -1;
            foreach (var change in fileChanges)
            {
                var kind = Kind.Hash;
                byte[]? data = null;
                byte[]? basePage = null;
                if (bytes.TryGetValue(change.Hash, out data) && (payloadHashes.Contains(change.Hash) || content.Length + data.Length <= maxPayloadBytes))
                {
                    kind = change.BaseHash is { } b && bytes.TryGetValue(b, out basePage) && HelpsToUseBase(data, basePage) ? Kind.Delta : Kind.Literal;
                }

                writer.Write7BitEncodedInt(((change.Index - previous - 1) << 2) | (int)kind);
                previous = change.Index;
                switch (kind)
                {
                    case Kind.Hash:
                        change.Hash.WriteTo(digest);
                        writer.Write(digest);
                        if (locate is not null)
                        {
                            var location = locate(change.Hash);
                            writer.Write(location.Pack.ToByteArray());
                            writer.Write7BitEncodedInt64(location.Offset);
                            writer.Write7BitEncodedInt(location.Length);
                        }

                        break;
                    case Kind.Delta:
                        dictionary.Write(basePage);
                        content.Write(data);
                        payloadHashes.Add(change.Hash);
                        break;
                    default:
                        content.Write(data);
                        payloadHashes.Add(change.Hash);
                        break;
                }
            }
        }

        var payload = content.Length == 0 ? [] : ChunkCompression.Compress(content.GetBuffer().AsSpan(0, (int)content.Length), ChunkCompression.DeltaLevel, dictionary.GetBuffer().AsSpan(0, (int)dictionary.Length));
        writer.Write7BitEncodedInt(payload.Length);
        writer.Write(payload);
        writer.Flush();
        return buffer.ToArray();
    }

    /// <summary>Parses a delta against the manifest of its base; throws <see cref="DeltaRejectedException"/> when it is malformed or does not fit that base.</summary>
    public static ProfileDelta Read(ReadOnlySpan<byte> data, ProfileManifest @base, int maxFiles = ManifestCodec.MaxFiles)
    {
        if (data.Length < Magic.Length + 2 || !data.StartsWith(Magic) || data[Magic.Length] != Version)
        {
            throw new DeltaRejectedException("it is not a delta of a known version");
        }

        try
        {
            return ReadBody(data.ToArray(), @base, maxFiles);
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException or ArgumentException or OverflowException or IOException)
        {
            throw new DeltaRejectedException($"it is malformed ({ex.Message})");
        }
    }

    /// <summary>
    /// Rebuilds the changed chunks from the payload and <paramref name="baseBytes"/> (the bytes of <see cref="BaseChunks"/>,
    /// already verified against their hashes), hashes them, and returns the target's files (canonical order) with the
    /// rebuilt chunks by hash. The caller checks the manifest hash of the result.
    /// </summary>
    public (ImmutableArray<ManifestFile> Files, Dictionary<ContentHash, byte[]> Chunks) Rebuild(IReadOnlyDictionary<ContentHash, byte[]> baseBytes)
    {
        var dictionary = new MemoryStream();
        foreach (var entry in _entries.Where(e => e.Kind == Kind.Delta))
        {
            dictionary.Write(baseBytes.TryGetValue(entry.BaseHash!.Value, out var page) ? page : throw new ArgumentException($"The bytes of base chunk {entry.BaseHash} are missing.", nameof(baseBytes)));
        }

        var content = _payloadLength == 0 && _payload.Length == 0 ? [] : ChunkCompression.Decompress(_payload, _payloadLength, dictionary.GetBuffer().AsSpan(0, (int)dictionary.Length));
        var chunks = new Dictionary<ContentHash, byte[]>();
        var at = 0;
        foreach (var entry in _entries.Where(e => e.Kind != Kind.Hash))
        {
            var bytes = content.AsSpan(at, entry.Length).ToArray();
            at += entry.Length;
            var hash = ContentHash.Compute(bytes);
            chunks.TryAdd(hash, bytes);
            _files[entry.File].Chunks[entry.Index] = hash;
        }

        var files = _unchanged.ToList();
        files.AddRange(_files.Select(f => new ManifestFile(f.Path, f.Length, f.Sha256, f.ChunkSize, [.. f.Chunks.Select(c => c!.Value)])));
        return (ProfileManifest.ForUpload(files).Files, chunks);
    }

    private static ProfileDelta ReadBody(byte[] data, ProfileManifest @base, int maxFiles)
    {
        using var reader = new BinaryReader(new MemoryStream(data), Encoding.UTF8);
        reader.BaseStream.Position = Magic.Length + 1;
        var withLocations = reader.ReadByte() == WithLocations;
        var baseFiles = @base.Files.ToDictionary(f => f.Path, ProfilePath.Comparer);
        var gone = new HashSet<string>(ProfilePath.Comparer);
        var removedCount = Count(reader, maxFiles, "removed files");
        for (var i = 0; i < removedCount; i++)
        {
            var path = ReadPath(reader);
            if (!baseFiles.ContainsKey(path) || !gone.Add(path))
            {
                throw new DeltaRejectedException($"it removes \"{path}\", which its base does not have");
            }
        }

        var files = new List<(string, long, ContentHash, int, ContentHash?[])>();
        var entries = new List<Entry>();
        var locations = ImmutableArray.CreateBuilder<ChunkLocation>();
        var payloadLength = 0;
        var changedCount = Count(reader, maxFiles, "changed files");
        for (var f = 0; f < changedCount; f++)
        {
            var path = ReadPath(reader);
            ProfilePath.Validate(path);
            var length = reader.Read7BitEncodedInt64();
            var sha = ReadHash(reader);
            var chunkSize = reader.Read7BitEncodedInt();
            if (length < 0 || !ProfileChunker.IsValidChunkSize(chunkSize) || !gone.Add(path))
            {
                throw new DeltaRejectedException($"the entry of \"{path}\" is impossible or repeated");
            }

            var chunkCount = checked((int)((length + chunkSize - 1) / chunkSize));
            baseFiles.TryGetValue(path, out var old);
            var sameLayout = old is not null && old.ChunkSize == chunkSize;
            var chunks = new ContentHash?[chunkCount];
            for (var i = 0; i < chunkCount && sameLayout && i < old!.Chunks.Length; i++)
            {
                chunks[i] = old.Chunks[i];
            }

            var entryCount = Count(reader, chunkCount, "changed chunks");
            var index = -1;
            for (var e = 0; e < entryCount; e++)
            {
                var code = reader.Read7BitEncodedInt();
                index = checked(index + 1 + (code >> 2));
                var kind = (Kind)(code & 3);
                if (index >= chunkCount || kind > Kind.Hash)
                {
                    throw new DeltaRejectedException($"a changed chunk of \"{path}\" is out of range");
                }

                var chunkLength = (int)Math.Min(chunkSize, length - ((long)index * chunkSize));
                chunks[index] = null;
                switch (kind)
                {
                    case Kind.Hash:
                        var hash = ReadHash(reader);
                        chunks[index] = hash;
                        if (withLocations)
                        {
                            locations.Add(new ChunkLocation(hash, new Guid(reader.ReadBytes(16)), reader.Read7BitEncodedInt64(), reader.Read7BitEncodedInt()));
                        }

                        break;
                    case Kind.Delta when !(sameLayout && index < old!.Chunks.Length):
                        throw new DeltaRejectedException($"chunk {index} of \"{path}\" is a delta against a base page that does not exist");
                    default:
                        payloadLength = checked(payloadLength + chunkLength);
                        if (payloadLength > MaxPayloadBytes)
                        {
                            throw new DeltaRejectedException($"its payload is over {MaxPayloadBytes} bytes");
                        }

                        entries.Add(new Entry(files.Count, index, chunkLength, kind, kind == Kind.Delta ? old!.Chunks[index] : null));
                        break;
                }
            }

            if (chunks.Any(c => c is null) && entries.Count(e => e.File == files.Count) != chunks.Count(c => c is null))
            {
                throw new DeltaRejectedException($"chunks of \"{path}\" are neither in its base nor in the delta");
            }

            files.Add((path, length, sha, chunkSize, chunks));
        }

        var payloadBytes = Count(reader, MaxPayloadBytes * 2, "payload length");
        var payload = reader.ReadBytes(payloadBytes);
        if (payload.Length != payloadBytes || reader.BaseStream.Position != data.Length)
        {
            throw new DeltaRejectedException("it has trailing bytes");
        }

        var unchanged = @base.Files.Where(f => !gone.Contains(f.Path)).ToImmutableArray();
        return new ProfileDelta(entries, unchanged, files, payload, payloadLength, locations.ToImmutable());
    }

    /// <summary>
    /// True when a chunk compresses at least <see cref="MinSavingBytes"/> smaller against its base page than alone (a cheap trial at a
    /// fast level): otherwise it travels whole, and the receiver need not read the base page.
    /// </summary>
    private static bool HelpsToUseBase(byte[] data, byte[] basePage)
        => ChunkCompression.Compress(data, ChunkCompression.TrialLevel, basePage).Length + MinSavingBytes <= ChunkCompression.Compress(data, ChunkCompression.TrialLevel).Length;

    private static void WritePath(BinaryWriter writer, string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path);
        writer.Write7BitEncodedInt(bytes.Length);
        writer.Write(bytes);
    }

    private static string ReadPath(BinaryReader reader)
        => Encoding.UTF8.GetString(reader.ReadBytes(Count(reader, ManifestCodec.MaxPathBytes, "path length")));

    private static int Count(BinaryReader reader, int max, string what)
    {
        var count = reader.Read7BitEncodedInt();
        return count >= 0 && count <= max ? count : throw new DeltaRejectedException($"its {what} ({count}) is out of range");
    }

    private static ContentHash ReadHash(BinaryReader reader)
    {
        Span<byte> digest = stackalloc byte[ContentHash.Size];
        reader.BaseStream.ReadExactly(digest);
        return ContentHash.FromBytes(digest);
    }

    private enum Kind
    {
        Delta = 0,
        Literal = 1,
        Hash = 2,
    }

    private sealed record Entry(int File, int Index, int Length, Kind Kind, ContentHash? BaseHash);
}
