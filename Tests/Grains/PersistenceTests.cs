using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>What a commit made durable survives the silo (invariant 2); open uploads survive it too.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class PersistenceTests : IDisposable
{
    private readonly TempDirectory _data = new("persistence");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Committed_snapshots_survive_a_silo_crash_and_a_new_cluster_on_the_same_data()
    {
        var key = ProfileKey.Parse("CONTOSO\\Alice");
        var hive = TestData.HiveLike(300, seed: 1);
        var v1 = await UploadContent.CreateAsync(("NTUSER.DAT", hive), ("AppData\\Roaming\\a.bin", TestData.RandomBytes(150_000, 2)));
        var v2 = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.ChangePages(hive, [7, 8], seed: 3)), ("AppData\\Roaming\\a.bin", v1.Files["AppData\\Roaming\\a.bin"]));
        var v3 = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.ChangePages(v2.Files["NTUSER.DAT"], [299], seed: 4)), ("AppData\\Roaming\\a.bin", v1.Files["AppData\\Roaming\\a.bin"]));

        ProfileStatus statusBefore;
        Snapshot[] snapshotsBefore;
        var first = await ProfileStoreCluster.StartAsync(_data.Path);
        try
        {
            await ProfileUploads.PushAsync(first.Client, key, v1);
            await ProfileUploads.PushAsync(first.Client, key, v2, baseSnapshot: 1);
            statusBefore = await first.Profile(key).GetStatus();
            snapshotsBefore = [await first.Profile(key).GetSnapshot(1), await first.Profile(key).GetSnapshot(2)];
            await first.Cluster.KillSiloAsync(first.Cluster.Silos[0]);
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var second = await ProfileStoreCluster.StartAsync(_data.Path);
        Assert.Equal(statusBefore, await second.Profile(key).GetStatus());
        Assert.Equal(2, statusBefore.Current?.Number);
        Assert.Equal<SnapshotInfo>([snapshotsBefore[0].Info, snapshotsBefore[1].Info], await second.Profile(key).GetHistory());
        foreach (var (before, content) in snapshotsBefore.Zip([v1, v2]))
        {
            var after = await second.Profile(key).GetSnapshot(before.Info.Number);
            Assert.Equal(before.Info, after.Info);
            ManifestAssert.Equal(before.Manifest, after.Manifest);
            var files = await ProfileUploads.ReadFilesAsync(second.Client, key, after.Manifest);
            foreach (var (path, bytes) in content.Files)
            {
                Assert.Equal(bytes, files[path]);
            }
        }

        // The restarted store still knows its chunks: the next push sends only the changed page.
        var upload = second.Upload(key);
        var begun = await upload.BeginUpload(v3.Request(baseSnapshot: 2));
        Assert.Equal<ContentHash>([v3.Manifest.Files.Single(f => f.Path == "NTUSER.DAT").Chunks[299]], begun.Missing);
        Assert.DoesNotContain(_data.Files(), f => f.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_open_upload_resumes_on_a_new_silo_with_only_the_missing_chunks()
    {
        var key = ProfileKey.Parse("CONTOSO\\Bob");
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(500, seed: 10)));
        var request = content.Request();
        List<ContentHash> rest;
        var first = await ProfileStoreCluster.StartAsync(_data.Path);
        try
        {
            var begun = await first.Upload(key).BeginUpload(request);
            var batches = content.Batches(begun.Missing).ToList();
            Assert.Equal(2, batches.Count);
            await first.Upload(key).PutChunks(request.SessionId, batches[0]);
            rest = [.. batches[1].Select(c => c.Hash)];
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var second = await ProfileStoreCluster.StartAsync(_data.Path);
        Assert.Equal(new ProfileStatus(key.Value, null, 0, 1), await second.Profile(key).GetStatus());
        var upload = second.Upload(key);
        var resumed = await upload.BeginUpload(request);
        Assert.Equal<ContentHash>(rest, resumed.Missing);
        Assert.Equal(0, await ProfileUploads.PutAsync(upload, request.SessionId, content, resumed.Missing));
        Assert.Equal(1, (await upload.CommitUpload(request.SessionId)).Snapshot.Number);
        var snapshot = await second.Profile(key).GetSnapshot(0);
        Assert.Equal(content.Files["NTUSER.DAT"], (await ProfileUploads.ReadFilesAsync(second.Client, key, snapshot.Manifest))["NTUSER.DAT"]);
    }
}
