using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>
/// Invariants 3 and 4: no snapshot inside the retention window is lost, and garbage collection never
/// removes data that a retained snapshot or an open upload references; everything else goes.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class RetentionTests : ProfileStoreTestBase
{
    private const int Keep = 3;
    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(6); // shorter than an upload session lives (24 h)
    private readonly ManualTimeProvider _time;
    private int _keys;

    public RetentionTests()
        : this(new ManualTimeProvider())
    {
    }

    private RetentionTests(ManualTimeProvider time)
        : base(o =>
        {
            o.RetainSnapshots = Keep;
            o.RetainFor = KeepFor;
        }, time)
        => _time = time;

    [Fact]
    public async Task Snapshots_outside_both_windows_are_dropped_with_their_data_and_the_retained_ones_read_back()
    {
        var key = NewKey();
        var versions = await CommitVersionsAsync(key, count: 6, seed: 1);
        Assert.Equal([1, 2, 3, 4, 5, 6], (await Cluster.Profile(key).GetHistory()).Select(s => s.Number));

        _time.Advance(KeepFor * 2);
        versions.Add(await CommitAsync(key, versions[^1], baseSnapshot: 6, seed: 7));

        var history = await Cluster.Profile(key).GetHistory();
        Assert.Equal([5, 6, 7], history.Select(s => s.Number));
        await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Cluster.Profile(key).GetSnapshot(4));
        Assert.Equal(["snapshot-0000000005", "snapshot-0000000006", "snapshot-0000000007"], (await Manifests().ListAsync(key)).Select(n => n.Value).Order());

        // Every pack a retained snapshot points into is still there (the first holds the unchanged pages), no other.
        var referenced = new HashSet<Guid>();
        foreach (var number in new[] { 5, 6, 7 })
        {
            var snapshot = await Cluster.Profile(key).GetSnapshot(number);
            referenced.UnionWith(snapshot.Manifest.Locations.Select(l => l.Pack));
            Assert.Equal(versions[number - 1], (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest))["NTUSER.DAT"]);
        }

        Assert.Equal(4, referenced.Count);
        Assert.True(referenced.SetEquals(await Packs().ListAsync(key)));
    }

    [Fact]
    public async Task A_collection_while_an_upload_is_in_flight_keeps_what_the_upload_needs()
    {
        var key = NewKey();
        var versions = await CommitVersionsAsync(key, count: 3, seed: 20);

        // An upload based on snapshot 3 sends half its chunks and stalls (a slow logoff).
        var late = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.ChangePages(versions[2], [30, 31, 32, 33], seed: 30)));
        var upload = Cluster.Upload(key);
        var request = late.Request(baseSnapshot: 3, machine: "WS-LATE");
        var begun = await upload.BeginUpload(request);
        Assert.Equal(4, begun.Missing.Length);
        await upload.PutChunks(request.SessionId, [.. begun.Missing.Take(2).Select(late.Payload)]);

        // Meanwhile snapshot 3 ages out and newer commits push it past the newest three.
        _time.Advance(KeepFor * 2);
        for (var i = 0; i < 3; i++)
        {
            versions.Add(await CommitAsync(key, versions[^1], baseSnapshot: 3 + i, seed: 40 + i));
        }

        var collected = await Cluster.Profile(key).CollectGarbage();
        Assert.Equal(0, collected.SnapshotsDropped);
        Assert.Equal([3, 4, 5, 6], (await Cluster.Profile(key).GetHistory()).Select(s => s.Number));
        Assert.Contains(request.SessionId, await Packs().ListAsync(key));

        await upload.PutChunks(request.SessionId, [.. begun.Missing.Skip(2).Select(late.Payload)]);
        var commit = await upload.CommitUpload(request.SessionId);
        Assert.Equal(7, commit.Snapshot.Number);
        var snapshot = await Cluster.Profile(key).GetSnapshot(7);
        Assert.Equal(late.Files["NTUSER.DAT"], (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest))["NTUSER.DAT"]);

        // With the upload committed, snapshot 3 is no longer needed (4 to 6 are younger than the window).
        Assert.Equal([4, 5, 6, 7], (await Cluster.Profile(key).GetHistory()).Select(s => s.Number));
    }

    [Fact]
    public async Task An_expired_upload_is_collected_with_its_staged_chunks_and_manifest()
    {
        var key = NewKey();
        await CommitVersionsAsync(key, count: 1, seed: 50);
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(20, seed: 51)));
        var request = content.Request(baseSnapshot: 1);
        var begun = await Cluster.Upload(key).BeginUpload(request);
        await Cluster.Upload(key).PutChunks(request.SessionId, [.. begun.Missing.Take(5).Select(content.Payload)]);
        Assert.Contains(request.SessionId, await Packs().ListAsync(key));

        _time.Advance(ProfileStoreOptions.DefaultSessionLifetime + TimeSpan.FromMinutes(1));
        var collected = await Cluster.Profile(key).CollectGarbage();

        Assert.Equal(0, (await Cluster.Profile(key).GetStatus()).OpenSessions);
        Assert.Equal(0, collected.SnapshotsDropped);
        Assert.DoesNotContain(request.SessionId, await Packs().ListAsync(key));
        Assert.DoesNotContain(ManifestName.ForSession(request.SessionId), await Manifests().ListAsync(key));
        await Assert.ThrowsAsync<UploadSessionNotFoundException>(() => Cluster.Upload(key).CommitUpload(request.SessionId));
    }

    [Fact]
    public async Task Garbage_left_by_crashed_commits_is_removed_and_nothing_retained_is_touched()
    {
        var key = NewKey();
        var versions = await CommitVersionsAsync(key, count: 2, seed: 60);
        var strayPack = Guid.NewGuid();
        var straySession = Guid.NewGuid();
        var stray = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(2, seed: 61)));
        await Packs().StageAsync(key, strayPack, [.. stray.DistinctChunks.Select(stray.Payload)]);
        await Packs().CommitAsync(key, strayPack);
        await Manifests().WriteAsync(key, ManifestName.ForSnapshot(3), stray.Manifest);
        await Manifests().WriteAsync(key, ManifestName.ForSession(straySession), stray.Manifest);

        var collected = await Cluster.Profile(key).CollectGarbage();

        Assert.Equal(new GarbageCollectionResult(0, 2, 1), collected);
        Assert.DoesNotContain(strayPack, await Packs().ListAsync(key));
        for (var number = 1; number <= 2; number++)
        {
            var snapshot = await Cluster.Profile(key).GetSnapshot(number);
            Assert.Equal(versions[number - 1], (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest))["NTUSER.DAT"]);
        }
    }

    private ProfileKey NewKey() => ProfileKey.Parse($@"FABRIKAM\Retained{Interlocked.Increment(ref _keys)}");

    private IPackStore Packs() => Cluster.SiloService<IPackStore>();

    private IManifestStore Manifests() => Cluster.SiloService<IManifestStore>();

    /// <summary>Commits <paramref name="count"/> versions of a 64-page hive, each changing the same two pages again.</summary>
    private async Task<List<byte[]>> CommitVersionsAsync(ProfileKey key, int count, int seed)
    {
        var versions = new List<byte[]> { TestData.HiveLike(64, seed) };
        var first = await UploadContent.CreateAsync(("NTUSER.DAT", versions[0]));
        Assert.Equal(1, (await ProfileUploads.PushAsync(Cluster.Client, key, first)).Snapshot.Number);
        for (var i = 1; i < count; i++)
        {
            versions.Add(await CommitAsync(key, versions[^1], baseSnapshot: i, seed: seed + i));
        }

        return versions;
    }

    private async Task<byte[]> CommitAsync(ProfileKey key, byte[] previous, int baseSnapshot, int seed)
    {
        var next = TestData.ChangePages(previous, [5, 6], seed);
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", next));
        await ProfileUploads.PushAsync(Cluster.Client, key, content, baseSnapshot);
        return next;
    }
}
