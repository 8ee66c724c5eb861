using Orleans.Profiles.Local;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>Upload sessions outlive their activation, and expire when nobody finishes them.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class SessionTests(ProfileClusterFixture fixture) : IClassFixture<ProfileClusterFixture>
{
    private ProfileStoreCluster Cluster => fixture.Cluster;

    /// <summary>About 2.3 MiB of hive pages: three 1 MiB batches.</summary>
    private static Task<UploadContent> ThreeBatchesAsync(int seed)
        => UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(600, seed)), ("AppData\\Roaming\\x.bin", TestData.RandomBytes(70_000, seed + 1)));

    [Fact]
    public async Task An_upload_resumes_with_only_the_missing_chunks_after_the_grain_is_deactivated()
    {
        var key = fixture.NewKey();
        var content = await ThreeBatchesAsync(seed: 1);
        var upload = Cluster.Upload(key);
        var request = content.Request();
        var begun = await upload.BeginUpload(request);
        var batches = content.Batches(begun.Missing).ToList();
        Assert.Equal(3, batches.Count);
        await upload.PutChunks(request.SessionId, batches[0]);

        await Cluster.Cluster.DeactivateAsync(upload);
        var resumed = await upload.BeginUpload(request);

        Assert.Equal<ContentHash>([.. batches.Skip(1).SelectMany(b => b).Select(c => c.Hash)], resumed.Missing);
        Assert.Equal(begun.TotalChunks, resumed.TotalChunks);
        await AssertFinishesAsync(key, content, request, resumed);
    }

    [Fact]
    public async Task A_torn_staging_tail_left_by_a_crash_is_cut_off_and_the_upload_completes()
    {
        var key = fixture.NewKey();
        var content = await ThreeBatchesAsync(seed: 2);
        var upload = Cluster.Upload(key);
        var request = content.Request();
        var begun = await upload.BeginUpload(request);
        var batches = content.Batches(begun.Missing).ToList();
        await upload.PutChunks(request.SessionId, batches[0]);
        await Cluster.Cluster.DeactivateAsync(upload);

        // A record cut short mid-append: the header and half of the bytes.
        var torn = PackRecord.Encode(batches[1][0]);
        var staging = Cluster.StagingFile(key, request.SessionId);
        var intact = new FileInfo(staging).Length;
        await using (var stream = new FileStream(staging, FileMode.Append))
        {
            stream.Write(torn.AsSpan(0, PackRecord.HeaderSize + (torn.Length - PackRecord.HeaderSize) / 2));
        }

        var resumed = await upload.BeginUpload(request);

        Assert.Equal(intact, new FileInfo(staging).Length);
        Assert.Equal<ContentHash>([.. batches.Skip(1).SelectMany(b => b).Select(c => c.Hash)], resumed.Missing);
        await AssertFinishesAsync(key, content, request, resumed);
    }

    [Fact]
    public async Task A_session_expires_after_its_lifetime_and_the_next_begin_purges_it()
    {
        var key = fixture.NewKey();
        var content = await ThreeBatchesAsync(seed: 3);
        var other = await ThreeBatchesAsync(seed: 4);
        var upload = Cluster.Upload(key);
        var request = content.Request();
        var begun = await upload.BeginUpload(request);
        var batches = content.Batches(begun.Missing).ToList();
        await upload.PutChunks(request.SessionId, batches[0]);

        // Still open a minute before the end of its lifetime.
        fixture.Time.Advance(ProfileStoreOptions.DefaultSessionLifetime - TimeSpan.FromMinutes(1));
        Assert.Equal(batches[2].Length, await upload.PutChunks(request.SessionId, batches[1]));

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        var put = await Assert.ThrowsAsync<UploadSessionNotFoundException>(() => upload.PutChunks(request.SessionId, batches[2]));
        Assert.Equal(request.SessionId, put.SessionId);
        var commit = await Assert.ThrowsAsync<UploadSessionNotFoundException>(() => upload.CommitUpload(request.SessionId));
        Assert.Equal(request.SessionId, commit.SessionId);
        var staging = Cluster.StagingFile(key, request.SessionId);
        var sessionManifest = Path.Combine(Cluster.ProfileDirectory(key), "manifests", $"session-{request.SessionId:N}.manifest");
        Assert.True(File.Exists(staging));
        Assert.True(File.Exists(sessionManifest));
        Assert.Equal(1, (await Cluster.Profile(key).GetStatus()).OpenSessions);

        var otherRequest = other.Request(machine: "WS-0002");
        await upload.BeginUpload(otherRequest);

        Assert.False(File.Exists(staging));
        Assert.False(File.Exists(sessionManifest));
        Assert.Equal(new ProfileStatus(key.Value, null, 0, 1), await Cluster.Profile(key).GetStatus());

        // Beginning the expired session again starts it afresh.
        var again = await upload.BeginUpload(request);
        Assert.Equal<ContentHash>(content.DistinctChunks, again.Missing);
        Assert.Equal(2, (await Cluster.Profile(key).GetStatus()).OpenSessions);
    }

    private async Task AssertFinishesAsync(ProfileKey key, UploadContent content, BeginUploadRequest request, UploadSessionStatus status)
    {
        var upload = Cluster.Upload(key);
        Assert.Equal(0, await ProfileUploads.PutAsync(upload, request.SessionId, content, status.Missing));
        var committed = await upload.CommitUpload(request.SessionId);
        Assert.Equal(1, committed.Snapshot.Number);
        var snapshot = await Cluster.Profile(key).GetSnapshot(0);
        var files = await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest);
        foreach (var (path, bytes) in content.Files)
        {
            Assert.Equal(bytes, files[path]);
        }
    }
}
