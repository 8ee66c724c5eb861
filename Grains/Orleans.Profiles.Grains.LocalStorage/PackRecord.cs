using System.Buffers.Binary;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Orleans.Profiles.Local;

/// <summary>
/// The record format of a local staging file and pack. A header of <see cref="HeaderSize"/> bytes, then the stored bytes:
/// <list type="bullet">
/// <item><c>OPCK</c>, the chunk's length (4 bytes, little-endian), its SHA-256, then its bytes as they are (every record
/// written before packs were compressed, and a chunk compression does not shrink);</item>
/// <item><c>OPCZ</c>, the stored length (4 bytes, little-endian), the chunk's SHA-256, then the chunk's length (4 bytes,
/// little-endian) and one Zstandard frame of its bytes.</item>
/// </list>
/// Both headers have the same size, so a chunk's location in a pack is always the offset just after its header, its
/// length the chunk's own; the hash is always over the uncompressed bytes.
/// </summary>
public static class PackRecord
{
    public const int HeaderSize = 4 + sizeof(int) + ContentHash.Size;

    /// <summary>The chunk's length that opens the stored bytes of a compressed record.</summary>
    public const int LengthPrefixSize = sizeof(int);

    /// <summary>Level of a stored chunk: a 4 KiB page at level 3 compresses within a few percent of level 6, at about half the CPU.</summary>
    public const int CompressionLevel = 3;

    [ThreadStatic]
    private static Compressor? t_compressor;

    private static ReadOnlySpan<byte> Magic => "OPCK"u8;

    private static ReadOnlySpan<byte> CompressedMagic => "OPCZ"u8;

    public static void WriteHeader(Span<byte> header, ContentHash hash, int length) => WriteHeader(header, hash, length, compressed: false);

    /// <summary>A whole record: header and bytes, compressed when that makes it smaller.</summary>
    public static byte[] Encode(ChunkPayload chunk)
    {
        // One compressor per thread: a context per 4 KiB chunk would cost more than compressing it.
        var frame = chunk.Data.Length == 0 ? [] : (t_compressor ??= NewCompressor()).Wrap(chunk.Data);
        if (frame.Length == 0 || LengthPrefixSize + frame.Length >= chunk.Data.Length)
        {
            var record = new byte[HeaderSize + chunk.Data.Length];
            WriteHeader(record, chunk.Hash, chunk.Data.Length, compressed: false);
            chunk.Data.CopyTo(record.AsSpan(HeaderSize));
            return record;
        }

        var compressed = new byte[HeaderSize + LengthPrefixSize + frame.Length];
        WriteHeader(compressed, chunk.Hash, LengthPrefixSize + frame.Length, compressed: true);
        BinaryPrimitives.WriteInt32LittleEndian(compressed.AsSpan(HeaderSize), chunk.Data.Length);
        frame.CopyTo(compressed.AsSpan(HeaderSize + LengthPrefixSize));
        return compressed;
    }

    /// <summary>Reads a header; false when it is not one (a torn or damaged tail), or its length is impossible.</summary>
    /// <param name="storedLength">The bytes that follow the header.</param>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out ContentHash hash, out int storedLength, out bool compressed)
    {
        hash = default;
        storedLength = 0;
        compressed = header.Length >= HeaderSize && header.StartsWith(CompressedMagic);
        if (header.Length < HeaderSize || !(compressed || header.StartsWith(Magic)))
        {
            return false;
        }

        storedLength = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);

        // A record is compressed only when that makes it smaller than the chunk, so it is never larger than the largest chunk.
        if (storedLength is < 0 or > ProfileChunker.MaxChunkSize || (compressed && storedLength <= LengthPrefixSize))
        {
            return false;
        }

        hash = ContentHash.FromBytes(header.Slice(8, ContentHash.Size));
        return true;
    }

    /// <summary>The chunk's length in a compressed record's stored bytes, or -1 when it is impossible.</summary>
    public static int ReadChunkLength(ReadOnlySpan<byte> stored)
        => stored.Length >= LengthPrefixSize && BinaryPrimitives.ReadInt32LittleEndian(stored) is var length and >= 0 and <= ProfileChunker.MaxChunkSize
            ? length
            : -1;

    /// <summary>
    /// The chunk a record's stored bytes hold, exactly <paramref name="length"/> bytes; null when they are not (a damaged
    /// record: a frame that does not unpack, fails its checksum or unpacks to another length). The SHA-256 is the reader's
    /// to check, as for every chunk read.
    /// </summary>
    public static byte[]? Decode(ReadOnlySpan<byte> stored, bool compressed, int length)
    {
        if (!compressed)
        {
            return stored.Length == length ? stored.ToArray() : null;
        }

        if (ReadChunkLength(stored) != length)
        {
            return null;
        }

        try
        {
            return ChunkCompression.Decompress(stored[LengthPrefixSize..], length);
        }
        catch (DeltaRejectedException)
        {
            return null;
        }
    }

    /// <summary>
    /// With the frame's own checksum (XXH64, 4 bytes): a damaged frame that still unpacks to the right length is caught
    /// by the store on read at a fraction of the SHA-256 its reader computes anyway.
    /// </summary>
    private static Compressor NewCompressor()
    {
        var compressor = new Compressor(CompressionLevel);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return compressor;
    }

    private static void WriteHeader(Span<byte> header, ContentHash hash, int storedLength, bool compressed)
    {
        (compressed ? CompressedMagic : Magic).CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], storedLength);
        hash.WriteTo(header[8..]);
    }
}
