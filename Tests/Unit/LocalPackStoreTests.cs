using Microsoft.Extensions.Options;
using Orleans.Profiles.Local;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class LocalPackStoreTests : IDisposable
{
    private static readonly ProfileKey Profile = ProfileKey.Parse("CONTOSO\\Alice");

    private readonly TempDirectory _data = new("packs");
    private readonly Guid _session = Guid.NewGuid();

    public void Dispose() => _data.Dispose();

    private string StagingFile => _data.Combine("profiles", Profile.StorageName, "staging", $"{_session:N}.stage");

    private string PackFile => _data.Combine("profiles", Profile.StorageName, "packs", $"{_session:N}.pack");

    [Fact]
    public async Task Each_staged_chunk_is_one_record_of_the_staging_file()
    {
        var chunks = Chunks(5, seed: 1);
        await NewStore().StageAsync(Profile, _session, chunks[..2]);
        await NewStore().StageAsync(Profile, _session, chunks[2..]);

        Assert.Equal(chunks.SelectMany(PackRecord.Encode).ToArray(), await File.ReadAllBytesAsync(StagingFile));
        Assert.False(File.Exists(PackFile));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a record cut in its header")]
    [InlineData("a record cut in its bytes")]
    [InlineData("a record whose bytes do not match its hash")]
    public async Task A_torn_tail_is_cut_and_staging_resumes_cleanly(string tail)
    {
        var chunks = Chunks(6, seed: 2);
        await NewStore().StageAsync(Profile, _session, chunks[..3]);
        var intact = new FileInfo(StagingFile).Length;
        var record = PackRecord.Encode(chunks[3]);
        byte[] torn = tail switch
        {
            "garbage" => TestData.RandomBytes(100, seed: 3),
            "a record cut in its header" => record[..20],
            "a record cut in its bytes" => record[..(PackRecord.HeaderSize + 1000)],
            "a record whose bytes do not match its hash" => [.. record[..^1], (byte)(record[^1] ^ 1)],
            _ => throw new ArgumentOutOfRangeException(nameof(tail), tail, null),
        };
        await File.AppendAllBytesAsync(StagingFile, torn);

        var staged = await NewStore().GetStagedAsync(Profile, _session);

        Assert.True(staged.SetEquals(chunks[..3].Select(c => c.Hash)));
        Assert.Equal(intact, new FileInfo(StagingFile).Length);

        await NewStore().StageAsync(Profile, _session, chunks[3..]);
        Assert.True((await NewStore().GetStagedAsync(Profile, _session)).SetEquals(chunks.Select(c => c.Hash)));
        var locations = await NewStore().CommitAsync(Profile, _session);
        Assert.Equal(chunks.Select(c => c.Hash), locations.Select(l => l.Hash));
        Assert.Equal(chunks.Select(c => c.Data), await NewStore().ReadAsync(Profile, locations));
    }

    [Fact]
    public async Task A_damaged_record_hides_everything_after_it()
    {
        var chunks = Chunks(4, seed: 4);
        await NewStore().StageAsync(Profile, _session, chunks);
        using (var file = File.OpenWrite(StagingFile))
        {
            file.Position = PackRecord.HeaderSize + 4096 + PackRecord.HeaderSize + 7;
            file.WriteByte((byte)(chunks[1].Data[7] ^ 0xFF));
        }

        var staged = await NewStore().GetStagedAsync(Profile, _session);

        Assert.Equal([chunks[0].Hash], staged);
        Assert.Equal(PackRecord.HeaderSize + 4096, new FileInfo(StagingFile).Length);
    }

    [Fact]
    public async Task Commit_renames_the_staging_file_to_the_pack_and_places_each_chunk_after_its_record_header()
    {
        var chunks = (ChunkPayload[])[.. Chunks(2, seed: 5), new ChunkPayload(ContentHash.Compute("tail"u8), "tail"u8.ToArray())];
        await NewStore().StageAsync(Profile, _session, chunks);
        var staged = await File.ReadAllBytesAsync(StagingFile);

        var locations = await NewStore().CommitAsync(Profile, _session);

        Assert.Equal<ChunkLocation>(
            [
                new ChunkLocation(chunks[0].Hash, _session, PackRecord.HeaderSize, 4096),
                new ChunkLocation(chunks[1].Hash, _session, (2 * PackRecord.HeaderSize) + 4096, 4096),
                new ChunkLocation(chunks[2].Hash, _session, (3 * PackRecord.HeaderSize) + 8192, 4),
            ],
            locations);
        Assert.False(File.Exists(StagingFile));
        Assert.Equal(staged, await File.ReadAllBytesAsync(PackFile));
    }

    [Fact]
    public async Task A_location_in_a_record_header_or_outside_the_pack_is_refused_with_its_reason()
    {
        var chunks = Chunks(1, seed: 9);
        await NewStore().StageAsync(Profile, _session, chunks);
        var location = (await NewStore().CommitAsync(Profile, _session))[0];

        var unknown = await Assert.ThrowsAsync<ChunkRejectedException>(() => NewStore().ReadAsync(Profile, [location with { Pack = Guid.NewGuid() }]));
        Assert.Equal("no committed pack of this profile holds it", unknown.Reason);

        foreach (var outside in new[] { location with { Offset = 0 }, location with { Offset = PackRecord.HeaderSize - 1 }, location with { Length = 4097 }, location with { Offset = 1 << 20 } })
        {
            var error = await Assert.ThrowsAsync<ChunkRejectedException>(() => NewStore().ReadAsync(Profile, [outside]));
            Assert.Equal("its location is outside its pack", error.Reason);
        }
    }

    [Fact]
    public async Task A_pack_written_before_packs_were_compressed_reads_back_through_the_current_code()
    {
        // Compressible chunks in the old layout, byte for byte: OPCK, little-endian length, SHA-256, bytes as they are.
        var chunks = Enumerable.Range(0, 3).Select(i => TestData.CompressiblePage(10 + i)).Select(d => new ChunkPayload(ContentHash.Compute(d), d)).ToArray();
        var old = chunks.SelectMany(c => (byte[])[.. "OPCK"u8, .. BitConverter.GetBytes(c.Data.Length), .. c.Hash.ToArray(), .. c.Data]).ToArray();
        Directory.CreateDirectory(Path.GetDirectoryName(StagingFile)!);
        await File.WriteAllBytesAsync(StagingFile, old);

        Assert.True((await NewStore().GetStagedAsync(Profile, _session)).SetEquals(chunks.Select(c => c.Hash)));
        var locations = await NewStore().CommitAsync(Profile, _session);

        Assert.Equal<ChunkLocation>([.. chunks.Select((c, i) => new ChunkLocation(c.Hash, _session, ((i + 1) * PackRecord.HeaderSize) + (i * 4096), 4096))], locations);
        Assert.Equal(chunks.Select(c => c.Data), await NewStore().ReadAsync(Profile, locations));
        Assert.Equal(old, await File.ReadAllBytesAsync(PackFile));
    }

    [Fact]
    public async Task Compressible_chunks_are_stored_in_fewer_bytes_and_read_back_whole()
    {
        var chunks = Enumerable.Range(0, 4).Select(i => TestData.CompressiblePage(20 + i)).Select(d => new ChunkPayload(ContentHash.Compute(d), d)).ToArray();
        await NewStore().StageAsync(Profile, _session, chunks);
        var locations = await NewStore().CommitAsync(Profile, _session);

        var packBytes = new FileInfo(PackFile).Length;
        Assert.True(packBytes < chunks.Sum(c => c.Data.Length), $"{packBytes} bytes stored for {chunks.Sum(c => c.Data.Length)} of chunks");
        Assert.All(locations, l => Assert.Equal(4096, l.Length));
        Assert.Equal(chunks.Select(c => c.Data), await NewStore().ReadAsync(Profile, locations));
    }

    [Fact]
    public async Task A_damaged_compressed_record_is_refused_on_read_and_left_as_it_is()
    {
        var chunks = Enumerable.Range(0, 2).Select(i => TestData.CompressiblePage(30 + i)).Select(d => new ChunkPayload(ContentHash.Compute(d), d)).ToArray();
        await NewStore().StageAsync(Profile, _session, chunks);
        var locations = await NewStore().CommitAsync(Profile, _session);
        var pack = await File.ReadAllBytesAsync(PackFile);
        Assert.Equal("OPCZ"u8.ToArray(), pack[..4]);

        // A bit flipped inside the first record's frame, as a failing disk would.
        var damaged = (byte[])pack.Clone();
        damaged[locations[0].Offset + PackRecord.LengthPrefixSize + 12] ^= 0x10;
        await File.WriteAllBytesAsync(PackFile, damaged);

        var error = await Assert.ThrowsAsync<ChunkRejectedException>(() => NewStore().ReadAsync(Profile, locations));
        Assert.Equal(chunks[0].Hash, error.Hash);
        Assert.Equal(damaged, await File.ReadAllBytesAsync(PackFile));
        Assert.Equal(chunks[1].Data, (await NewStore().ReadAsync(Profile, [locations[1]]))[0]);
    }

    private LocalPackStore NewStore() => new(Options.Create(new LocalStorageOptions { DataDirectory = _data.Path }));

    private static ChunkPayload[] Chunks(int count, int seed)
        => [.. Enumerable.Range(0, count).Select(i => TestData.RandomBytes(4096, (seed * 1000) + i)).Select(d => new ChunkPayload(ContentHash.Compute(d), d))];
}
