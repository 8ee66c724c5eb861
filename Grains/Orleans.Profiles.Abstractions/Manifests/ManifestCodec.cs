using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Orleans.Profiles;

/// <summary>
/// The stored form of a manifest and the canonical bytes behind its hash. A versioned binary
/// layout (magic <c>OPMF</c>, version, files, locations, SHA-256 trailer) so a torn or altered
/// manifest is detected on read and the format can evolve without breaking old snapshots.
/// </summary>
public static class ManifestCodec
{
    public const int MaxFiles = 1_000_000;
    public const int MaxPathBytes = 4 * 1024;
    private const int MaxChunksPerFile = 64 * 1024 * 1024;
    private const byte Version = 1;
    private static ReadOnlySpan<byte> Magic => "OPMF"u8;
    private static ReadOnlySpan<byte> HashDomain => "Orleans.Profiles manifest v1\n"u8;

    public static ContentHash ComputeHash(ImmutableArray<ManifestFile> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(HashDomain);
        using var stream = new HashingStream(hash);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            WriteFiles(writer, files);
        }

        return ContentHash.FromBytes(hash.GetHashAndReset());
    }

    public static byte[] Encode(ProfileManifest manifest)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            WriteFiles(writer, manifest.Files);
            writer.Write7BitEncodedInt(manifest.Locations.Length);
            Span<byte> digest = stackalloc byte[ContentHash.Size];
            foreach (var location in manifest.Locations)
            {
                location.Hash.WriteTo(digest);
                writer.Write(digest);
                writer.Write(location.Pack.ToByteArray());
                writer.Write7BitEncodedInt64(location.Offset);
                writer.Write7BitEncodedInt(location.Length);
            }
        }

        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var result = new byte[body.Length + ContentHash.Size];
        body.CopyTo(result);
        SHA256.HashData(body, result.AsSpan(body.Length));
        return result;
    }

    /// <summary>Decodes a stored manifest, or throws <see cref="InvalidManifestException"/> if it is torn or malformed.</summary>
    public static ProfileManifest Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < Magic.Length + 1 + ContentHash.Size || !data.StartsWith(Magic))
        {
            throw new InvalidManifestException("not a manifest (bad signature or too short)");
        }

        var body = data[..^ContentHash.Size];
        Span<byte> digest = stackalloc byte[ContentHash.Size];
        SHA256.HashData(body, digest);
        if (!digest.SequenceEqual(data[^ContentHash.Size..]))
        {
            throw new InvalidManifestException("checksum mismatch: the stored manifest is damaged");
        }

        if (body[Magic.Length] != Version)
        {
            throw new InvalidManifestException($"unsupported manifest version {body[Magic.Length]}");
        }

        try
        {
            return ReadBody(body[(Magic.Length + 1)..].ToArray());
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException or ArgumentException or OverflowException)
        {
            throw new InvalidManifestException($"malformed manifest ({ex.Message})");
        }
    }

    private static ProfileManifest ReadBody(byte[] body)
    {
        using var reader = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
        var fileCount = ReadCount(reader, MaxFiles, "file count");
        var files = ImmutableArray.CreateBuilder<ManifestFile>(fileCount);
        for (var i = 0; i < fileCount; i++)
        {
            var path = Encoding.UTF8.GetString(reader.ReadBytes(ReadCount(reader, MaxPathBytes, "path length")));
            var length = reader.Read7BitEncodedInt64();
            var sha = ReadHash(reader);
            var chunkSize = reader.Read7BitEncodedInt();
            var chunkCount = ReadCount(reader, MaxChunksPerFile, "chunk count");
            var chunks = ImmutableArray.CreateBuilder<ContentHash>(chunkCount);
            for (var c = 0; c < chunkCount; c++)
            {
                chunks.Add(ReadHash(reader));
            }

            files.Add(new ManifestFile(path, length, sha, chunkSize, chunks.MoveToImmutable()));
        }

        var locationCount = ReadCount(reader, int.MaxValue, "location count");
        var locations = ImmutableArray.CreateBuilder<ChunkLocation>(Math.Min(locationCount, body.Length / 50));
        for (var i = 0; i < locationCount; i++)
        {
            var hash = ReadHash(reader);
            var pack = new Guid(reader.ReadBytes(16));
            locations.Add(new ChunkLocation(hash, pack, reader.Read7BitEncodedInt64(), reader.Read7BitEncodedInt()));
        }

        if (reader.BaseStream.Position != body.Length)
        {
            throw new InvalidManifestException("trailing bytes after the manifest");
        }

        return new ProfileManifest(files.MoveToImmutable(), locations.ToImmutable());
    }

    private static void WriteFiles(BinaryWriter writer, ImmutableArray<ManifestFile> files)
    {
        Span<byte> digest = stackalloc byte[ContentHash.Size];
        writer.Write7BitEncodedInt(files.Length);
        foreach (var file in files)
        {
            var path = Encoding.UTF8.GetBytes(file.Path);
            writer.Write7BitEncodedInt(path.Length);
            writer.Write(path);
            writer.Write7BitEncodedInt64(file.Length);
            file.Sha256.WriteTo(digest);
            writer.Write(digest);
            writer.Write7BitEncodedInt(file.ChunkSize);
            writer.Write7BitEncodedInt(file.Chunks.Length);
            foreach (var chunk in file.Chunks)
            {
                chunk.WriteTo(digest);
                writer.Write(digest);
            }
        }
    }

    private static int ReadCount(BinaryReader reader, int max, string what)
    {
        var count = reader.Read7BitEncodedInt();
        return count >= 0 && count <= max ? count : throw new InvalidManifestException($"{what} {count} is out of range");
    }

    private static ContentHash ReadHash(BinaryReader reader)
    {
        Span<byte> digest = stackalloc byte[ContentHash.Size];
        reader.BaseStream.ReadExactly(digest);
        return ContentHash.FromBytes(digest);
    }

    /// <summary>Feeds written bytes to a hash, so the canonical encoding is hashed without a buffer.</summary>
    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
