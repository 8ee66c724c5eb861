using System.Buffers.Binary;

namespace Orleans.Profiles.Local;

/// <summary>
/// The record format of a local staging file and pack: <c>OPCK</c>, the chunk's length (4 bytes, little-endian),
/// its SHA-256, then its bytes. A chunk's location in a pack is the offset of its bytes, just after its header.
/// </summary>
public static class PackRecord
{
    public const int HeaderSize = 4 + sizeof(int) + ContentHash.Size;

    private static ReadOnlySpan<byte> Magic => "OPCK"u8;

    public static void WriteHeader(Span<byte> header, ContentHash hash, int length)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], length);
        hash.WriteTo(header[8..]);
    }

    /// <summary>A whole record: header and bytes.</summary>
    public static byte[] Encode(ChunkPayload chunk)
    {
        var record = new byte[HeaderSize + chunk.Data.Length];
        WriteHeader(record, chunk.Hash, chunk.Data.Length);
        chunk.Data.CopyTo(record.AsSpan(HeaderSize));
        return record;
    }

    /// <summary>Reads a header; false when it is not one (a torn or damaged tail), or its length is impossible.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out ContentHash hash, out int length)
    {
        hash = default;
        length = 0;
        if (header.Length < HeaderSize || !header.StartsWith(Magic))
        {
            return false;
        }

        length = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (length is < 0 or > ProfileChunker.MaxChunkSize)
        {
            return false;
        }

        hash = ContentHash.FromBytes(header.Slice(8, ContentHash.Size));
        return true;
    }
}
