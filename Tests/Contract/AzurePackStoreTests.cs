using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

/// <summary>
/// The Azure pack store's own guarantees: staging survives a storage restart, and its two-step
/// staging (block, then index record) never commits a block whose record is missing.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Contract)]
public sealed class AzurePackStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly ProfileKey Profile = ProfileKey.Parse("CONTOSO\\Alice");

    private readonly AzureTestStorage _storage = azurite.NewStorage();
    private readonly Guid _session = Guid.NewGuid();

    public Task InitializeAsync() => azurite.StartAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Staged_chunks_and_committed_packs_survive_a_storage_restart_and_the_session_resumes()
    {
        var chunks = Chunks(12, seed: 1);
        var committed = Chunks(3, seed: 2);
        var earlier = Guid.NewGuid();
        await _storage.NewPackStore().StageAsync(Profile, earlier, committed);
        var earlierLocations = await _storage.NewPackStore().CommitAsync(Profile, earlier);
        await _storage.NewPackStore().StageAsync(Profile, _session, chunks[..4]);
        await _storage.NewPackStore().StageAsync(Profile, _session, chunks[4..8]);

        await azurite.RestartAsync();

        var store = _storage.NewPackStore();
        AssertSameHashes(chunks[..8], await store.GetStagedAsync(Profile, _session));
        await store.StageAsync(Profile, _session, chunks[8..]);
        var locations = await store.CommitAsync(Profile, _session);

        AssertSameHashes(chunks, locations.Select(l => l.Hash));
        await AssertReadsBackAsync(chunks, locations);
        await AssertReadsBackAsync(committed, earlierLocations);
    }

    [Fact]
    public async Task A_block_whose_index_record_was_never_written_is_not_staged_and_not_committed()
    {
        var before = Chunks(3, seed: 3);
        var orphan = Chunks(2, seed: 4);
        var after = Chunks(3, seed: 5);
        await _storage.NewPackStore().StageAsync(Profile, _session, before);
        await AzureStaging.StageBlockOnlyAsync(_storage, Profile, _session, orphan);
        await _storage.NewPackStore().StageAsync(Profile, _session, after);
        var blob = _storage.Client.GetBlockBlobClient(AzureStaging.PackBlobName(Profile, _session));
        Assert.Equal(3, (await blob.GetBlockListAsync(BlockListTypes.Uncommitted)).Value.UncommittedBlocks.Count());

        AssertSameHashes([.. before, .. after], await _storage.NewPackStore().GetStagedAsync(Profile, _session));
        var locations = await _storage.NewPackStore().CommitAsync(Profile, _session);

        AssertSameHashes([.. before, .. after], locations.Select(l => l.Hash));
        await AssertReadsBackAsync([.. before, .. after], locations);
        var blocks = (await blob.GetBlockListAsync(BlockListTypes.All)).Value;
        Assert.Equal([AzureStaging.BlockId(before), AzureStaging.BlockId(after)], blocks.CommittedBlocks.Select(b => b.Name));
        Assert.Empty(blocks.UncommittedBlocks);
        Assert.Equal(before.Concat(after).Sum(c => (long)c.Data.Length), (await blob.GetPropertiesAsync()).Value.ContentLength);
    }

    [Fact]
    public async Task A_batch_staged_twice_is_one_block_of_the_pack()
    {
        var first = Chunks(2, seed: 6);
        var second = Chunks(2, seed: 7);
        await _storage.NewPackStore().StageAsync(Profile, _session, first);
        await _storage.NewPackStore().StageAsync(Profile, _session, second);
        await _storage.NewPackStore().StageAsync(Profile, _session, first);

        var locations = await _storage.NewPackStore().CommitAsync(Profile, _session);

        var blob = _storage.Client.GetBlockBlobClient(AzureStaging.PackBlobName(Profile, _session));
        Assert.Equal([AzureStaging.BlockId(first), AzureStaging.BlockId(second)], (await blob.GetBlockListAsync(BlockListTypes.Committed)).Value.CommittedBlocks.Select(b => b.Name));
        Assert.Equal(4 * TestData.PageSize, (await blob.GetPropertiesAsync()).Value.ContentLength);
        AssertSameHashes([.. first, .. second], locations.Select(l => l.Hash));
        await AssertReadsBackAsync([.. first, .. second], locations);
    }

    [Fact]
    public async Task Chunks_spread_over_a_pack_read_back_exactly_in_the_order_asked_whatever_lies_between_them()
    {
        var chunks = Chunks(40, seed: 8);
        var store = _storage.NewPackStore();
        await store.StageAsync(Profile, _session, chunks);
        var locations = await store.CommitAsync(Profile, _session);
        var byHash = locations.ToDictionary(l => l.Hash);

        // Small gaps (read through in one download), a gap of 20 chunks (a second download), out of order, one twice.
        int[] asked = [39, 0, 3, 6, 9, 6, 30];
        var read = await store.ReadAsync(Profile, [.. asked.Select(i => byHash[chunks[i].Hash])]);

        Assert.Equal(asked.Select(i => chunks[i].Data), read);
    }

    private async Task AssertReadsBackAsync(IReadOnlyList<ChunkPayload> chunks, IReadOnlyList<ChunkLocation> locations)
    {
        var data = chunks.ToDictionary(c => c.Hash, c => c.Data);
        var read = await _storage.NewPackStore().ReadAsync(Profile, locations);
        Assert.Equal(locations.Select(l => data[l.Hash]), read);
    }

    private static void AssertSameHashes(IEnumerable<ChunkPayload> expected, IEnumerable<ContentHash> actual)
        => Assert.Equal(expected.Select(c => c.Hash.ToString()).Order(StringComparer.Ordinal), actual.Select(h => h.ToString()).Order(StringComparer.Ordinal));

    private static ChunkPayload[] Chunks(int count, int seed)
        => [.. Enumerable.Range(0, count).Select(i => TestData.RandomBytes(TestData.PageSize, (seed * 1000) + i)).Select(d => new ChunkPayload(ContentHash.Compute(d), d))];
}
