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

        Assert.True(PackRecord.TryReadHeader(record, out var hash, out var length));
        Assert.Equal((ContentHash.Compute(data), 4096), (hash, length));
    }

    [Theory]
    [InlineData("a short header")]
    [InlineData("another magic")]
    [InlineData("a negative length")]
    [InlineData("a length above the largest chunk")]
    public void What_is_not_a_header_is_refused(string damage)
    {
        var record = PackRecord.Encode(new ChunkPayload(ContentHash.Compute([1]), [1]));
        byte[] header = damage switch
        {
            "a short header" => record[..(PackRecord.HeaderSize - 1)],
            "another magic" => [(byte)'X', .. record[1..]],
            "a negative length" => [.. record[..4], 0xFF, 0xFF, 0xFF, 0xFF, .. record[8..]],
            "a length above the largest chunk" => [.. record[..4], .. BitConverter.GetBytes(ProfileChunker.MaxChunkSize + 1), .. record[8..]],
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
        };

        Assert.False(PackRecord.TryReadHeader(header, out _, out _));
    }
}
