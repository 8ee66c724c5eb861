using System.Security.Cryptography;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ProfileChunkerTests
{
    [Theory]
    [InlineData(10, 1000)]
    [InlineData(2, 0)]
    [InlineData(600, 123)]
    public async Task A_hive_is_cut_into_4_KiB_chunks(int pages, int tail)
    {
        var data = WithTail(TestData.HiveLike(pages, seed: pages), tail);

        var file = await HashAsync("NTUSER.DAT", data);

        Assert.Equal(4096, file.ChunkSize);
        AssertChunksOf(data, file);
        Assert.Equal(pages + (tail > 0 ? 1 : 0), file.Chunks.Length);
    }

    [Theory]
    [InlineData(3 * 65536 + 5, 4)]
    [InlineData(65536, 1)]
    [InlineData(1, 1)]
    [InlineData(40 * 65536 + 100_000, 42)]
    public async Task Other_files_are_cut_into_64_KiB_chunks(int length, int chunks)
    {
        var data = TestData.RandomBytes(length, seed: length);

        var file = await HashAsync("AppData\\Roaming\\x.bin", data);

        Assert.Equal(65536, file.ChunkSize);
        Assert.Equal(chunks, file.Chunks.Length);
        AssertChunksOf(data, file);
    }

    [Fact]
    public async Task An_empty_file_has_no_chunks_and_the_hash_of_nothing()
    {
        var file = await HashAsync("empty.txt", []);

        Assert.Equal("empty.txt", file.Path);
        Assert.Equal(0, file.Length);
        Assert.Empty(file.Chunks);
        Assert.Equal(ContentHash.Parse("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), file.Sha256);
        Assert.Equal(65536, file.ChunkSize);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Small_reads_give_the_same_result(bool hive)
    {
        var data = hive ? WithTail(TestData.HiveLike(300, seed: 5), 777) : TestData.RandomBytes(1_300_000, seed: 6);
        var whole = await HashAsync("f", data);
        var stream = new SmallReadStream(data, maxRead: 1000);

        var trickled = await ProfileChunker.HashAsync("f", stream);

        Assert.True(stream.Reads >= (data.Length + 999) / 1000, $"{stream.Reads} reads");
        ManifestAssert.Equal(whole, trickled);
        AssertChunksOf(data, trickled);
    }

    [Fact]
    public async Task Changing_one_page_changes_exactly_one_chunk_hash()
    {
        var data = TestData.HiveLike(64, seed: 7);
        var changed = TestData.ChangePages(data, [17], seed: 8);

        var before = await HashAsync("NTUSER.DAT", data);
        var after = await HashAsync("NTUSER.DAT", changed);

        Assert.Equal([17], Enumerable.Range(0, 64).Where(i => before.Chunks[i] != after.Chunks[i]));
        Assert.NotEqual(before.Sha256, after.Sha256);
        Assert.Equal(before.Length, after.Length);
    }

    [Theory]
    [InlineData(8 * 1024)]
    [InlineData(1024 * 1024)]
    [InlineData(2 * 1024 * 1024)]
    [InlineData(4 * 1024 * 1024)]
    public async Task An_explicit_chunk_size_is_used_whatever_the_content(int chunkSize)
    {
        var data = WithTail(TestData.HiveLike(1300, seed: 9), 10);

        using var stream = new MemoryStream(data);
        var file = await ProfileChunker.HashAsync("NTUSER.DAT", stream, chunkSize);

        Assert.Equal(chunkSize, file.ChunkSize);
        Assert.Equal((data.Length + chunkSize - 1) / chunkSize, file.Chunks.Length);
        AssertChunksOf(data, file);
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(3000)]
    [InlineData(12 * 1024)]
    [InlineData(8 * 1024 * 1024)]
    [InlineData(0)]
    [InlineData(-4096)]
    public async Task An_invalid_chunk_size_is_refused(int chunkSize)
    {
        using var stream = new MemoryStream(TestData.RandomBytes(100, seed: 1));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ProfileChunker.HashAsync("f", stream, chunkSize));
    }

    [Fact]
    public void The_chunk_size_follows_the_hive_signature()
    {
        Assert.Equal(4096, ProfileChunker.ChooseChunkSize("regf\0\0\0\0"u8));
        Assert.Equal(4096, ProfileChunker.ChooseChunkSize("regf"u8));
        Assert.Equal(65536, ProfileChunker.ChooseChunkSize("REGF"u8));
        Assert.Equal(65536, ProfileChunker.ChooseChunkSize("reg"u8));
        Assert.Equal(65536, ProfileChunker.ChooseChunkSize([]));
    }

    [Theory]
    [InlineData(4096, true)]
    [InlineData(65536, true)]
    [InlineData(4 * 1024 * 1024, true)]
    [InlineData(2048, false)]
    [InlineData(8 * 1024 * 1024, false)]
    [InlineData(5000, false)]
    [InlineData(0, false)]
    public void Valid_chunk_sizes_are_powers_of_two_from_4_KiB_to_4_MiB(int size, bool valid)
        => Assert.Equal(valid, ProfileChunker.IsValidChunkSize(size));

    private static async Task<ManifestFile> HashAsync(string path, byte[] data)
    {
        using var stream = new MemoryStream(data);
        var file = await ProfileChunker.HashAsync(path, stream);
        Assert.Equal(path, file.Path);
        return file;
    }

    /// <summary>Every chunk hash is the SHA-256 of its slice, and the file hash that of the whole.</summary>
    private static void AssertChunksOf(byte[] data, ManifestFile file)
    {
        Assert.Equal(data.Length, file.Length);
        Assert.Equal(ContentHash.FromBytes(SHA256.HashData(data)), file.Sha256);
        Assert.Equal((data.Length + file.ChunkSize - 1) / file.ChunkSize, file.Chunks.Length);
        for (var i = 0; i < file.Chunks.Length; i++)
        {
            var offset = i * file.ChunkSize;
            var slice = data.AsSpan(offset, Math.Min(file.ChunkSize, data.Length - offset));
            Assert.Equal(slice.Length, file.ChunkLength(i));
            Assert.Equal(ContentHash.FromBytes(SHA256.HashData(slice)), file.Chunks[i]);
        }
    }

    private static byte[] WithTail(byte[] data, int tail)
        => [.. data, .. TestData.RandomBytes(tail, seed: tail)];
}
