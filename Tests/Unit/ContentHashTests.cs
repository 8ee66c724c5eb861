using System.Security.Cryptography;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ContentHashTests
{
    private const string AbcHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Compute_is_SHA_256()
    {
        Assert.Equal(AbcHex, ContentHash.Compute("abc"u8).ToString());
        Assert.Equal(ContentHash.FromBytes(SHA256.HashData("abc"u8)), ContentHash.Compute("abc"u8));
    }

    [Fact]
    public void Hex_round_trips_in_lower_case()
    {
        Assert.Equal(AbcHex, ContentHash.Parse(AbcHex).ToString());
        Assert.Equal(ContentHash.Parse(AbcHex), ContentHash.Parse(AbcHex.ToUpperInvariant()));
        Assert.Equal(new string('0', 64), default(ContentHash).ToString());
    }

    [Fact]
    public void Bytes_round_trip_big_endian()
    {
        var bytes = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

        var hash = ContentHash.FromBytes(bytes);

        Assert.Equal(0x0102030405060708UL, hash.P0);
        Assert.Equal(0x191A1B1C1D1E1F20UL, hash.P3);
        Assert.Equal(bytes, hash.ToArray());
        var written = new byte[40];
        hash.WriteTo(written.AsSpan(4));
        Assert.Equal([0, 0, 0, 0, .. bytes, 0, 0, 0, 0], written);
        Assert.Equal(Convert.ToHexStringLower(bytes), hash.ToString());
    }

    [Fact]
    public void Hashes_are_equal_exactly_when_their_bytes_are()
    {
        var bytes = SHA256.HashData("profile"u8);
        var a = ContentHash.FromBytes(bytes);
        var b = ContentHash.FromBytes((byte[])bytes.Clone());

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        for (var i = 0; i < ContentHash.Size; i++)
        {
            var other = (byte[])bytes.Clone();
            other[i] ^= 0x80;
            Assert.NotEqual(a, ContentHash.FromBytes(other));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void A_digest_of_the_wrong_length_is_refused(int length)
        => Assert.Throws<ArgumentException>(() => ContentHash.FromBytes(new byte[length]));

    [Theory]
    [InlineData("xyz")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")]
    [InlineData("zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void Bad_hex_is_refused(string hex)
        => Assert.ThrowsAny<FormatException>(() => ContentHash.Parse(hex));
}
