using Orleans.Profiles.Local;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>The on-disk record of local staging files and packs: a format data folders already hold, so it is pinned byte for byte.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PackRecordTests
{
    [Fact]
    public void A_record_is_the_magic_the_little_endian_length_the_hash_and_the_bytes()
    {
        byte[] data = [0xAA, 0xBB, 0xCC];
        var hash = ContentHash.Compute(data);

        var record = PackRecord.Encode(new ChunkPayload(hash, data));

        Assert.Equal([.. "OPCK"u8, 3, 0, 0, 0, .. hash.ToArray(), 0xAA, 0xBB, 0xCC], record);
        Assert.Equal(40, PackRecord.HeaderSize);
    }

    [Fact]
    public void A_header_reads_back_what_was_written()
    {
        var data = TestData.RandomBytes(4096, seed: 1);
        var record = PackRecord.Encode(new ChunkPayload(ContentHash.Compute(data), data));

        Assert.True(PackRecord.TryReadHeader(record, out var hash, out var length, out var compressed));
        Assert.Equal((ContentHash.Compute(data), 4096, false), (hash, length, compressed));
    }

    [Fact]
    public void A_compressible_chunk_is_a_compressed_record_smaller_than_the_chunk_that_decodes_to_it()
    {
        var data = TestData.CompressiblePage(2);
        var hash = ContentHash.Compute(data);

        var record = PackRecord.Encode(new ChunkPayload(hash, data));

        Assert.Equal("OPCZ"u8.ToArray(), record[..4]);
        Assert.True(record.Length < data.Length, $"a record of {record.Length} bytes for a chunk of {data.Length}");
        Assert.True(PackRecord.TryReadHeader(record, out var read, out var stored, out var compressed));
        Assert.Equal((hash, record.Length - PackRecord.HeaderSize, true), (read, stored, compressed));
        Assert.Equal(data.Length, PackRecord.ReadChunkLength(record.AsSpan(PackRecord.HeaderSize)));
        Assert.Equal(data, PackRecord.Decode(record.AsSpan(PackRecord.HeaderSize), compressed: true, data.Length));
    }

    [Theory]
    [InlineData("a flipped byte in its frame")]
    [InlineData("another chunk length")]
    [InlineData("a truncated frame")]
    public void A_damaged_compressed_record_does_not_decode(string damage)
    {
        var data = TestData.CompressiblePage(3);
        var stored = PackRecord.Encode(new ChunkPayload(ContentHash.Compute(data), data))[PackRecord.HeaderSize..];
        byte[] bytes = damage switch
        {
            "a flipped byte in its frame" => [.. stored[..^9], (byte)(stored[^9] ^ 0x40), .. stored[^8..]],
            "another chunk length" => [.. BitConverter.GetBytes(data.Length - 1), .. stored[4..]],
            "a truncated frame" => stored[..^1],
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
        };

        Assert.Null(PackRecord.Decode(bytes, compressed: true, data.Length));
    }

    [Theory]
    [InlineData("a short header")]
    [InlineData("another magic")]
    [InlineData("a negative length")]
    [InlineData("a length above the largest chunk")]
    [InlineData("a compressed record too short for its chunk length")]
    public void What_is_not_a_header_is_refused(string damage)
    {
        var record = PackRecord.Encode(new ChunkPayload(ContentHash.Compute([1]), [1]));
        byte[] header = damage switch
        {
            "a short header" => record[..(PackRecord.HeaderSize - 1)],
            "another magic" => [(byte)'X', .. record[1..]],
            "a negative length" => [.. record[..4], 0xFF, 0xFF, 0xFF, 0xFF, .. record[8..]],
            "a length above the largest chunk" => [.. record[..4], .. BitConverter.GetBytes(ProfileChunker.MaxChunkSize + 1), .. record[8..]],
            "a compressed record too short for its chunk length" => [.. "OPCZ"u8, 4, 0, 0, 0, .. record[8..]],
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
        };

        Assert.False(PackRecord.TryReadHeader(header, out _, out _, out _));
    }
}
