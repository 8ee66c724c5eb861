using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

/// <summary>
/// What every <see cref="IPackStore"/> must do, whatever it stores chunks in. A concrete class gives a
/// store over its own fresh storage; each call of <see cref="CreateStore"/> is a new instance over the
/// same storage, as after a silo restart, and most steps below use a new one for that reason.
/// </summary>
public abstract class PackStoreContract
{
    protected static readonly ProfileKey Alice = ProfileKey.Parse("CONTOSO\\Alice");
    protected static readonly ProfileKey Bob = ProfileKey.Parse("CONTOSO\\Bob");

    /// <summary>A profile whose normalised name is Alice's storage name: a store that decoded names instead of escaping them would mix the two up.</summary>
    protected static readonly ProfileKey LookAlike = ProfileKey.Parse(Alice.StorageName);

    private readonly Guid _session = Guid.NewGuid();

    /// <summary>A new store instance over the same storage as every other call in this test.</summary>
    protected abstract IPackStore CreateStore();

    /// <summary>The names of everything the store holds (files, blobs), sorted.</summary>
    protected abstract Task<IReadOnlyList<string>> StoredObjectsAsync();

    /// <summary>
    /// Leaves the storage as a crash in the middle of <see cref="IPackStore.StageAsync"/> of
    /// <paramref name="batch"/> would: some of the batch written, the call never acknowledged.
    /// </summary>
    protected abstract Task TearStageAsync(ProfileKey profile, Guid session, IReadOnlyList<ChunkPayload> batch);

    [Fact]
    public async Task Staged_chunks_are_visible_to_a_new_store_instance()
    {
        var chunks = Chunks(5, seed: 1);
        await CreateStore().StageAsync(Alice, _session, chunks[..2]);
        await CreateStore().StageAsync(Alice, _session, chunks[2..]);

        var staged = await CreateStore().GetStagedAsync(Alice, _session);

        AssertSameHashes(chunks.Select(c => c.Hash), staged);
        Assert.Empty(await CreateStore().GetStagedAsync(Alice, Guid.NewGuid()));
        Assert.Empty(await CreateStore().GetStagedAsync(Bob, _session));
    }

    [Fact]
    public async Task Staging_the_same_batch_twice_is_harmless()
    {
        var chunks = Chunks(4, seed: 2);
        await CreateStore().StageAsync(Alice, _session, chunks);
        await CreateStore().StageAsync(Alice, _session, chunks);

        AssertSameHashes(chunks.Select(c => c.Hash), await CreateStore().GetStagedAsync(Alice, _session));
        var locations = await CreateStore().CommitAsync(Alice, _session);

        AssertSameHashes(chunks.Select(c => c.Hash), locations.Select(l => l.Hash));
        await AssertReadsBackAsync(chunks, locations);
    }

    [Fact]
    public async Task A_chunk_staged_again_in_another_batch_gets_one_location()
    {
        var chunks = Chunks(3, seed: 3);
        await CreateStore().StageAsync(Alice, _session, chunks[..2]);
        await CreateStore().StageAsync(Alice, _session, [chunks[0], chunks[2]]);

        AssertSameHashes(chunks.Select(c => c.Hash), await CreateStore().GetStagedAsync(Alice, _session));
        var locations = await CreateStore().CommitAsync(Alice, _session);

        AssertSameHashes(chunks.Select(c => c.Hash), locations.Select(l => l.Hash));
        await AssertReadsBackAsync(chunks, locations);
    }

    [Fact]
    public async Task Chunks_staged_in_several_batches_commit_to_a_location_each_that_reads_back_exactly()
    {
        // Hive pages, 64 KiB blocks, and the short tails of files.
        ChunkPayload[][] batches =
        [
            Chunks(6, seed: 4),
            Chunks(2, seed: 5, size: ProfileChunker.DefaultChunkSize),
            [.. Chunks(1, seed: 6, size: 1), .. Chunks(1, seed: 7, size: 100), .. Chunks(3, seed: 8)],
            Chunks(1, seed: 9, size: 4095),
        ];
        foreach (var batch in batches)
        {
            await CreateStore().StageAsync(Alice, _session, batch);
        }

        var chunks = batches.SelectMany(b => b).ToArray();
        var locations = await CreateStore().CommitAsync(Alice, _session);

        AssertSameHashes(chunks.Select(c => c.Hash), locations.Select(l => l.Hash));
        Assert.All(locations, l => Assert.Equal(_session, l.Pack));
        Assert.Equal(
            chunks.Select(c => $"{c.Hash} {c.Data.Length}").Order(StringComparer.Ordinal),
            locations.Select(l => $"{l.Hash} {l.Length}").Order(StringComparer.Ordinal));
        await AssertReadsBackAsync(chunks, locations);
        await AssertReadsBackAsync(chunks, [.. locations.Reverse()]);
    }

    [Fact]
    public async Task Reads_return_the_exact_bytes_in_the_order_asked_across_packs()
    {
        var first = Chunks(5, seed: 10);
        var second = Chunks(4, seed: 11, size: 9000);
        var other = Guid.NewGuid();
        await CreateStore().StageAsync(Alice, _session, first[..3]);
        await CreateStore().StageAsync(Alice, _session, first[3..]);
        await CreateStore().StageAsync(Alice, other, second);
        var inFirst = await CreateStore().CommitAsync(Alice, _session);
        var inSecond = await CreateStore().CommitAsync(Alice, other);
        Assert.All(inSecond, l => Assert.Equal(other, l.Pack));

        var all = first.Concat(second).ToDictionary(c => c.Hash, c => c.Data);
        var locations = inFirst.Concat(inSecond).ToDictionary(l => l.Hash);
        var asked = new[] { second[3], first[4], first[0], second[0], first[4], second[2], first[2], first[1], second[1], first[3], second[3] }
            .Select(c => locations[c.Hash]).ToList();

        var read = await CreateStore().ReadAsync(Alice, asked);

        Assert.Equal(asked.Select(l => all[l.Hash]), read);
        Assert.Empty(await CreateStore().ReadAsync(Alice, []));
    }

    [Fact]
    public async Task Commit_is_idempotent_also_from_a_new_instance()
    {
        var chunks = Chunks(6, seed: 12);
        await CreateStore().StageAsync(Alice, _session, chunks[..3]);
        await CreateStore().StageAsync(Alice, _session, chunks[3..]);
        var store = CreateStore();

        var first = await store.CommitAsync(Alice, _session);
        var again = await store.CommitAsync(Alice, _session);
        var afterRestart = await CreateStore().CommitAsync(Alice, _session);

        AssertSameHashes(chunks.Select(c => c.Hash), first.Select(l => l.Hash));
        Assert.Equal<ChunkLocation>(first, again);
        Assert.Equal<ChunkLocation>(first, afterRestart);
        await AssertReadsBackAsync(chunks, first);
    }

    [Fact]
    public async Task After_a_commit_the_chunks_are_still_staged_so_a_retried_commit_finds_them()
    {
        // The silo crashed between committing the pack and writing grain state: the retry asks what is staged, then commits again.
        var chunks = Chunks(5, seed: 13);
        await CreateStore().StageAsync(Alice, _session, chunks);
        var committed = await CreateStore().CommitAsync(Alice, _session);

        AssertSameHashes(chunks.Select(c => c.Hash), await CreateStore().GetStagedAsync(Alice, _session));
        Assert.Equal<ChunkLocation>(committed, await CreateStore().CommitAsync(Alice, _session));
        await AssertReadsBackAsync(chunks, committed);
    }

    [Fact]
    public async Task A_session_that_staged_nothing_commits_to_no_locations()
    {
        Assert.Empty(await CreateStore().CommitAsync(Alice, _session));
        Assert.Empty(await CreateStore().CommitAsync(Alice, _session));
        Assert.Empty(await CreateStore().GetStagedAsync(Alice, _session));

        var empty = Guid.NewGuid();
        await CreateStore().StageAsync(Alice, empty, []);
        Assert.Empty(await CreateStore().GetStagedAsync(Alice, empty));
        Assert.Empty(await CreateStore().CommitAsync(Alice, empty));
    }

    [Fact]
    public async Task Staged_chunks_are_not_readable_before_commit()
    {
        // Where the chunks will be once committed: the same batches committed by another session give the places, in the other pack.
        var chunks = Chunks(3, seed: 14);
        var model = Guid.NewGuid();
        await CreateStore().StageAsync(Alice, model, chunks);
        var future = (await CreateStore().CommitAsync(Alice, model)).Select(l => l with { Pack = _session }).ToList();
        await CreateStore().StageAsync(Alice, _session, chunks);

        foreach (var location in future)
        {
            var error = await Assert.ThrowsAsync<ChunkRejectedException>(() => CreateStore().ReadAsync(Alice, [location]));
            Assert.Equal(location.Hash, error.Hash);
        }

        // Those were the right places: once committed, they read.
        Assert.Equal<ChunkLocation>(future, await CreateStore().CommitAsync(Alice, _session));
        await AssertReadsBackAsync(chunks, [.. future]);
    }

    [Fact]
    public async Task Discard_removes_a_staged_session()
    {
        var chunks = Chunks(3, seed: 15);
        await CreateStore().StageAsync(Alice, _session, chunks);

        await CreateStore().DiscardAsync(Alice, _session);

        Assert.Empty(await CreateStore().GetStagedAsync(Alice, _session));
        Assert.Empty(await CreateStore().CommitAsync(Alice, _session));
        Assert.DoesNotContain(await StoredObjectsAsync(), o => o.Contains($"{_session:N}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discard_removes_a_committed_pack_and_leaves_other_sessions_alone()
    {
        var chunks = Chunks(3, seed: 16);
        var kept = Chunks(2, seed: 17);
        var keptSession = Guid.NewGuid();
        var stagedOnly = Guid.NewGuid();
        await CreateStore().StageAsync(Alice, _session, chunks);
        await CreateStore().StageAsync(Alice, keptSession, kept);
        await CreateStore().StageAsync(Alice, stagedOnly, chunks);
        var locations = await CreateStore().CommitAsync(Alice, _session);
        var keptLocations = await CreateStore().CommitAsync(Alice, keptSession);

        await CreateStore().DiscardAsync(Alice, _session);

        foreach (var location in locations)
        {
            var error = await Assert.ThrowsAsync<ChunkRejectedException>(() => CreateStore().ReadAsync(Alice, [location]));
            Assert.Equal(location.Hash, error.Hash);
        }

        Assert.Empty(await CreateStore().GetStagedAsync(Alice, _session));
        Assert.DoesNotContain(await StoredObjectsAsync(), o => o.Contains($"{_session:N}", StringComparison.Ordinal));
        await AssertReadsBackAsync(kept, keptLocations);
        AssertSameHashes(chunks.Select(c => c.Hash), await CreateStore().GetStagedAsync(Alice, stagedOnly));
    }

    [Fact]
    public async Task Discarding_what_does_not_exist_is_harmless()
    {
        await CreateStore().DiscardAsync(Alice, _session);
        await CreateStore().DiscardAsync(Alice, _session);

        Assert.Empty(await StoredObjectsAsync());

        var chunks = Chunks(2, seed: 18);
        await CreateStore().StageAsync(Alice, _session, chunks);
        await CreateStore().CommitAsync(Alice, _session);
        await CreateStore().DiscardAsync(Alice, _session);
        await CreateStore().DiscardAsync(Alice, _session);
        await CreateStore().DiscardAsync(Alice, Guid.NewGuid());

        Assert.Empty(await CreateStore().GetStagedAsync(Alice, _session));
    }

    [Fact]
    public async Task Profiles_never_see_each_others_packs()
    {
        var chunks = Chunks(3, seed: 19);
        await CreateStore().StageAsync(Alice, _session, chunks);
        var locations = await CreateStore().CommitAsync(Alice, _session);

        foreach (var other in new[] { Bob, LookAlike })
        {
            foreach (var location in locations)
            {
                var error = await Assert.ThrowsAsync<ChunkRejectedException>(() => CreateStore().ReadAsync(other, [location]));
                Assert.Equal(location.Hash, error.Hash);
            }

            Assert.Empty(await CreateStore().GetStagedAsync(other, _session));
            Assert.Empty(await CreateStore().CommitAsync(other, _session));
            await CreateStore().DiscardAsync(other, _session);
        }

        await AssertReadsBackAsync(chunks, locations);
        AssertSameHashes(chunks.Select(c => c.Hash), await CreateStore().GetStagedAsync(Alice, _session));
    }

    [Fact]
    public async Task A_location_outside_its_pack_is_refused()
    {
        var chunks = Chunks(3, seed: 20);
        await CreateStore().StageAsync(Alice, _session, chunks);
        var locations = await CreateStore().CommitAsync(Alice, _session);
        var last = locations.MaxBy(l => l.Offset)!;
        var end = last.Offset + last.Length;

        ChunkLocation[] outside =
        [
            last with { Offset = end },
            last with { Offset = end + 1 },
            last with { Offset = end + (1 << 20) },
            last with { Length = last.Length + 1 },
            last with { Offset = long.MaxValue - last.Length },
            // Offset + Length wraps around to a negative number.
            last with { Offset = long.MaxValue - 10 },
            last with { Offset = long.MaxValue, Length = int.MaxValue },
            last with { Offset = -1 },
            last with { Length = -1 },
            last with { Pack = Guid.NewGuid() },
        ];
        foreach (var location in outside)
        {
            var error = await Assert.ThrowsAsync<ChunkRejectedException>(() => CreateStore().ReadAsync(Alice, [location]));
            Assert.Equal(location.Hash, error.Hash);

            // Nor does a bad location next to good ones return anything.
            await Assert.ThrowsAsync<ChunkRejectedException>(() => CreateStore().ReadAsync(Alice, [locations[0], location, locations[1]]));
        }

        await AssertReadsBackAsync(chunks, locations);
    }

    [Fact]
    public async Task A_large_session_round_trips()
    {
        // 3,000 hive pages in 12 batches of about 1 MiB, then 64 KiB blocks of other files.
        var hive = TestData.HiveLike(3000, seed: 21);
        var pages = Enumerable.Range(0, 3000).Select(i => Payload(hive.AsSpan(i * TestData.PageSize, TestData.PageSize).ToArray())).ToArray();
        var blocks = Chunks(16, seed: 22, size: ProfileChunker.DefaultChunkSize);
        foreach (var batch in pages.Chunk(250).Append(blocks[..8]).Append(blocks[8..]))
        {
            await CreateStore().StageAsync(Alice, _session, batch);
        }

        var chunks = pages.Concat(blocks).ToArray();
        Assert.Equal(chunks.Length, (await CreateStore().GetStagedAsync(Alice, _session)).Count);
        var locations = await CreateStore().CommitAsync(Alice, _session);

        AssertSameHashes(chunks.Select(c => c.Hash), locations.Select(l => l.Hash));
        await AssertReadsBackAsync(chunks, locations);
        var shuffled = locations.ToArray();
        new Random(23).Shuffle(shuffled);
        await AssertReadsBackAsync(chunks, shuffled);
    }

    [Fact]
    public async Task A_stage_torn_by_a_crash_costs_a_retry_of_that_batch()
    {
        var chunks = Chunks(9, seed: 24);
        await CreateStore().StageAsync(Alice, _session, chunks[..3]);
        await TearStageAsync(Alice, _session, chunks[3..6]);

        // What is reported staged is whole: everything acknowledged, and at most the torn batch besides.
        var staged = await CreateStore().GetStagedAsync(Alice, _session);
        Assert.Superset(chunks[..3].Select(c => c.Hash).ToHashSet(), staged.ToHashSet());
        Assert.Subset(chunks[..6].Select(c => c.Hash).ToHashSet(), staged.ToHashSet());

        // The agent retries the batch, as a put that got no reply, then goes on.
        await CreateStore().StageAsync(Alice, _session, [.. chunks[3..6].Where(c => !staged.Contains(c.Hash))]);
        await CreateStore().StageAsync(Alice, _session, chunks[6..]);
        AssertSameHashes(chunks.Select(c => c.Hash), await CreateStore().GetStagedAsync(Alice, _session));
        var locations = await CreateStore().CommitAsync(Alice, _session);

        AssertSameHashes(chunks.Select(c => c.Hash), locations.Select(l => l.Hash));
        await AssertReadsBackAsync(chunks, locations);
    }

    [Fact]
    public async Task List_names_every_staged_session_and_pack_of_the_profile_until_discarded()
    {
        Assert.Empty(await CreateStore().ListAsync(Alice));
        var committed = Guid.NewGuid();
        var torn = Guid.NewGuid();
        var bobs = Guid.NewGuid();
        await CreateStore().StageAsync(Alice, _session, Chunks(2, seed: 25));
        await CreateStore().StageAsync(Alice, committed, Chunks(2, seed: 26));
        await CreateStore().CommitAsync(Alice, committed);
        await TearStageAsync(Alice, torn, Chunks(2, seed: 27));
        await CreateStore().StageAsync(Bob, bobs, Chunks(1, seed: 28));

        AssertSameSessions([_session, committed, torn], await CreateStore().ListAsync(Alice));
        AssertSameSessions([bobs], await CreateStore().ListAsync(Bob));
        Assert.Empty(await CreateStore().ListAsync(LookAlike));

        await CreateStore().DiscardAsync(Alice, _session);
        await CreateStore().DiscardAsync(Alice, torn);
        AssertSameSessions([committed], await CreateStore().ListAsync(Alice));

        await CreateStore().DiscardAsync(Alice, committed);
        Assert.Empty(await CreateStore().ListAsync(Alice));
        AssertSameSessions([bobs], await CreateStore().ListAsync(Bob));
    }

    /// <summary>Reads every location and compares with the bytes of the chunk it names, in the order given.</summary>
    protected async Task AssertReadsBackAsync(IEnumerable<ChunkPayload> chunks, IReadOnlyList<ChunkLocation> locations, ProfileKey? profile = null)
    {
        var data = chunks.ToDictionary(c => c.Hash, c => c.Data);
        var read = await CreateStore().ReadAsync(profile ?? Alice, locations);
        Assert.Equal(locations.Count, read.Length);
        for (var i = 0; i < locations.Count; i++)
        {
            Assert.Equal(locations[i].Length, read[i].Length);
            Assert.True(data[locations[i].Hash].AsSpan().SequenceEqual(read[i]), $"The bytes read at {locations[i]} are not those of chunk {locations[i].Hash}.");
        }
    }

    /// <summary>Exactly these hashes, each once, in any order.</summary>
    protected static void AssertSameHashes(IEnumerable<ContentHash> expected, IEnumerable<ContentHash> actual)
        => Assert.Equal(expected.Select(h => h.ToString()).Order(StringComparer.Ordinal), actual.Select(h => h.ToString()).Order(StringComparer.Ordinal));

    private static void AssertSameSessions(IEnumerable<Guid> expected, IEnumerable<Guid> actual)
        => Assert.Equal(expected.Order(), actual.Order());

    protected static ChunkPayload[] Chunks(int count, int seed, int size = TestData.PageSize)
        => [.. Enumerable.Range(0, count).Select(i => Payload(TestData.RandomBytes(size, (seed * 1000) + i)))];

    protected static ChunkPayload Payload(byte[] data) => new(ContentHash.Compute(data), data);
}
