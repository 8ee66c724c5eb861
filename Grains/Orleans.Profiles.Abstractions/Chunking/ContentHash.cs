using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Orleans.Profiles;

/// <summary>A SHA-256 digest: the address of a chunk, and the checksum of a file or a manifest.</summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ContentHash")]
public readonly record struct ContentHash(
    [property: Id(0)] ulong P0,
    [property: Id(1)] ulong P1,
    [property: Id(2)] ulong P2,
    [property: Id(3)] ulong P3)
{
    public const int Size = SHA256.HashSizeInBytes;

    public static ContentHash Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Size];
        SHA256.HashData(data, digest);
        return FromBytes(digest);
    }

    public static ContentHash FromBytes(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != Size)
        {
            throw new ArgumentException($"A SHA-256 digest has {Size} bytes, not {digest.Length}.", nameof(digest));
        }

        return new(
            BinaryPrimitives.ReadUInt64BigEndian(digest),
            BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));
    }

    public static ContentHash Parse(string hex) => FromBytes(Convert.FromHexString(hex));

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, P0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], P1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], P2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], P3);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    public override string ToString() => Convert.ToHexStringLower(ToArray());
}
