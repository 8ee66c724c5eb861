using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

/// <summary>
/// What every <see cref="IManifestStore"/> must do. Each call of <see cref="CreateStore"/> is a new
/// instance over the same storage, as after a silo restart.
/// </summary>
public abstract class ManifestStoreContract
{
    protected static readonly ProfileKey Alice = ProfileKey.Parse("CONTOSO\\Alice");
    protected static readonly ProfileKey Bob = ProfileKey.Parse("CONTOSO\\Bob");

    /// <summary>A profile whose normalised name is Alice's storage name.</summary>
    protected static readonly ProfileKey LookAlike = ProfileKey.Parse(Alice.StorageName);

    protected static readonly ManifestName Snapshot = ManifestName.ForSnapshot(12);

    /// <summary>A new store instance over the same storage as every other call in this test.</summary>
    protected abstract IManifestStore CreateStore();

    /// <summary>Replaces the stored bytes of a manifest by <paramref name="damage"/> of them, bypassing the store.</summary>
    protected abstract Task CorruptAsync(ProfileKey profile, ManifestName name, Func<byte[], byte[]> damage);

    [Fact]
    public async Task A_written_manifest_reads_back_equal()
    {
        var manifest = await SampleAsync(files: 2, seed: 1);
        var session = ManifestName.ForSession(Guid.NewGuid());

        await CreateStore().WriteAsync(Alice, Snapshot, manifest);
        await CreateStore().WriteAsync(Alice, session, ProfileManifest.Empty);

        ManifestAssert.Equal(manifest, (await CreateStore().ReadAsync(Alice, Snapshot))!);
        var empty = await CreateStore().ReadAsync(Alice, session);
        Assert.NotNull(empty);
        Assert.Empty(empty.Files);
        Assert.Empty(empty.Locations);
    }

    [Fact]
    public async Task A_rewrite_replaces_the_manifest()
    {
        var large = await SampleAsync(files: 3, seed: 2);
        var small = await SampleAsync(files: 1, seed: 3);

        await CreateStore().WriteAsync(Alice, Snapshot, large);
        await CreateStore().WriteAsync(Alice, Snapshot, small);
        ManifestAssert.Equal(small, (await CreateStore().ReadAsync(Alice, Snapshot))!);

        await CreateStore().WriteAsync(Alice, Snapshot, large);
        ManifestAssert.Equal(large, (await CreateStore().ReadAsync(Alice, Snapshot))!);
    }

    [Fact]
    public async Task A_missing_manifest_reads_as_null()
    {
        Assert.Null(await CreateStore().ReadAsync(Alice, Snapshot));

        await CreateStore().WriteAsync(Alice, Snapshot, await SampleAsync(files: 1, seed: 4));

        Assert.Null(await CreateStore().ReadAsync(Alice, ManifestName.ForSnapshot(13)));
        Assert.Null(await CreateStore().ReadAsync(Alice, ManifestName.ForSession(Guid.NewGuid())));
    }

    [Fact]
    public async Task Delete_removes_only_that_manifest_and_may_be_repeated()
    {
        var kept = await SampleAsync(files: 1, seed: 5);
        var session = ManifestName.ForSession(Guid.Empty);
        await CreateStore().WriteAsync(Alice, Snapshot, await SampleAsync(files: 2, seed: 6));
        await CreateStore().WriteAsync(Alice, session, kept);

        await CreateStore().DeleteAsync(Alice, Snapshot);
        await CreateStore().DeleteAsync(Alice, Snapshot);

        Assert.Null(await CreateStore().ReadAsync(Alice, Snapshot));
        ManifestAssert.Equal(kept, (await CreateStore().ReadAsync(Alice, session))!);

        // Written again after a delete, it is back.
        await CreateStore().WriteAsync(Alice, Snapshot, kept);
        ManifestAssert.Equal(kept, (await CreateStore().ReadAsync(Alice, Snapshot))!);
    }

    [Fact]
    public async Task Deleting_a_manifest_of_a_profile_that_has_none_is_harmless()
    {
        await CreateStore().DeleteAsync(Bob, Snapshot);
        await CreateStore().DeleteAsync(Bob, ManifestName.ForSession(Guid.NewGuid()));

        Assert.Null(await CreateStore().ReadAsync(Bob, Snapshot));
    }

    [Fact]
    public async Task Session_and_snapshot_names_are_distinct()
    {
        var session = Guid.NewGuid();
        (ManifestName Name, ProfileManifest Manifest)[] written =
        [
            (ManifestName.ForSnapshot(1), await SampleAsync(files: 1, seed: 7)),
            (ManifestName.ForSnapshot(2), await SampleAsync(files: 2, seed: 8)),
            (ManifestName.ForSnapshot(10), await SampleAsync(files: 1, seed: 9)),
            (ManifestName.ForSession(session), await SampleAsync(files: 1, seed: 10)),
            (ManifestName.ForSession(Guid.Empty), await SampleAsync(files: 3, seed: 11)),
        ];
        foreach (var (name, manifest) in written)
        {
            await CreateStore().WriteAsync(Alice, name, manifest);
        }

        foreach (var (name, manifest) in written)
        {
            ManifestAssert.Equal(manifest, (await CreateStore().ReadAsync(Alice, name))!);
        }

        await CreateStore().DeleteAsync(Alice, ManifestName.ForSession(session));
        Assert.Null(await CreateStore().ReadAsync(Alice, ManifestName.ForSession(session)));
        foreach (var (name, manifest) in written.Where(w => w.Name != ManifestName.ForSession(session)))
        {
            ManifestAssert.Equal(manifest, (await CreateStore().ReadAsync(Alice, name))!);
        }
    }

    [Fact]
    public async Task Two_profiles_are_separate()
    {
        var alices = await SampleAsync(files: 2, seed: 12);
        var bobs = await SampleAsync(files: 1, seed: 13);
        await CreateStore().WriteAsync(Alice, Snapshot, alices);

        Assert.Null(await CreateStore().ReadAsync(Bob, Snapshot));
        Assert.Null(await CreateStore().ReadAsync(LookAlike, Snapshot));

        await CreateStore().WriteAsync(Bob, Snapshot, bobs);
        await CreateStore().WriteAsync(LookAlike, Snapshot, bobs);
        await CreateStore().DeleteAsync(LookAlike, Snapshot);

        ManifestAssert.Equal(alices, (await CreateStore().ReadAsync(Alice, Snapshot))!);
        ManifestAssert.Equal(bobs, (await CreateStore().ReadAsync(Bob, Snapshot))!);
        Assert.Null(await CreateStore().ReadAsync(LookAlike, Snapshot));

        await CreateStore().DeleteAsync(Alice, Snapshot);
        ManifestAssert.Equal(bobs, (await CreateStore().ReadAsync(Bob, Snapshot))!);
    }

    [Fact]
    public async Task List_names_every_manifest_of_the_profile()
    {
        Assert.Empty(await CreateStore().ListAsync(Alice));
        var session = ManifestName.ForSession(Guid.NewGuid());
        var manifest = await SampleAsync(files: 1, seed: 15);
        foreach (var name in new[] { ManifestName.ForSnapshot(1), Snapshot, session })
        {
            await CreateStore().WriteAsync(Alice, name, manifest);
        }

        await CreateStore().WriteAsync(Alice, Snapshot, manifest);
        await CreateStore().WriteAsync(Bob, ManifestName.ForSnapshot(1), manifest);

        AssertSameNames([ManifestName.ForSnapshot(1), Snapshot, session], await CreateStore().ListAsync(Alice));
        AssertSameNames([ManifestName.ForSnapshot(1)], await CreateStore().ListAsync(Bob));
        Assert.Empty(await CreateStore().ListAsync(LookAlike));

        await CreateStore().DeleteAsync(Alice, ManifestName.ForSnapshot(1));
        await CreateStore().DeleteAsync(Alice, session);
        AssertSameNames([Snapshot], await CreateStore().ListAsync(Alice));
    }

    public static TheoryData<string> Damages => ["signature", "version", "body", "checksum", "truncated", "empty"];

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_manifest_is_refused(string damage)
    {
        var manifest = await SampleAsync(files: 2, seed: 14);
        await CreateStore().WriteAsync(Alice, Snapshot, manifest);
        ManifestAssert.Equal(manifest, (await CreateStore().ReadAsync(Alice, Snapshot))!);
        var length = ManifestCodec.Encode(manifest).Length;

        await CorruptAsync(Alice, Snapshot, bytes =>
        {
            Assert.Equal(length, bytes.Length);
            return damage switch
            {
                "signature" => Flip(bytes, 0),
                "version" => Flip(bytes, 4),
                "body" => Flip(bytes, bytes.Length / 2),
                "checksum" => Flip(bytes, bytes.Length - 1),
                "truncated" => bytes[..(bytes.Length / 2)],
                "empty" => [],
                _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
            };
        });

        await Assert.ThrowsAsync<InvalidManifestException>(() => CreateStore().ReadAsync(Alice, Snapshot));
    }

    private static void AssertSameNames(IEnumerable<ManifestName> expected, IEnumerable<ManifestName> actual)
        => Assert.Equal(expected.Select(n => n.Value).Order(StringComparer.Ordinal), actual.Select(n => n.Value).Order(StringComparer.Ordinal));

    private static byte[] Flip(byte[] bytes, int index)
    {
        var damaged = (byte[])bytes.Clone();
        damaged[index] ^= 0x01;
        return damaged;
    }

    /// <summary>A committed-looking manifest: a hive and some other files, each chunk placed in a pack.</summary>
    protected static async Task<ProfileManifest> SampleAsync(int files, int seed)
    {
        var entries = new List<(string, byte[])> { ("NTUSER.DAT", TestData.HiveLike(20, seed)) };
        for (var i = 1; i < files; i++)
        {
            entries.Add(($"AppData\\Roaming\\file{i}.txt", TestData.RandomBytes(1000 * i, (seed * 100) + i)));
        }

        var content = await UploadContent.CreateAsync([.. entries]);
        var pack = new Guid(seed, 0, 0, new byte[8]);
        return content.Manifest.WithLocations([.. content.DistinctChunks.Select((h, i) => new ChunkLocation(h, pack, i * 4096L, content.Chunks[h].Length))]);
    }
}
