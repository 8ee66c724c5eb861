using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>
/// Uploads and reads encoded against a base snapshot: the grain rebuilds every changed chunk from the base pages it holds
/// and checks the manifest hash over the rebuilt chunks before staging anything; a base that is gone falls back to full chunks.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class DeltaUploadTests() : ProfileStoreTestBase(o =>
{
    o.RetainSnapshots = 2;
    o.RetainFor = TimeSpan.Zero;
})
{
    private int _keys;

    [Fact]
    public async Task A_delta_upload_is_rebuilt_from_the_base_and_commits_the_edited_profile()
    {
        var key = NewKey();
        var v1 = await SampleAsync(seed: 4200);
        await ProfileUploads.PushAsync(Cluster.Client, key, v1);
        var v2 = await EditAsync(v1, [1, 40, 41], seed: 4201);
        var delta = ProfileDelta.Encode(v1.Manifest, v2.Manifest, Both(v1, v2));

        var status = await Cluster.Upload(key).BeginDeltaUpload(Request(v2, delta, baseSnapshot: 1));
        var commit = await Cluster.Upload(key).CommitUpload(status.SessionId);

        Assert.Equal((0, 2), (status.Missing.Length, commit.Snapshot.Number));
        Assert.InRange(delta.Length, 50, 300);
        var snapshot = await Cluster.Profile(key).GetSnapshot(0);
        Assert.Equal(v2.ManifestHash, snapshot.Info.ManifestHash);
        Assert.Equal(v2.Files["NTUSER.DAT"], (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest))["NTUSER.DAT"]);
    }

    [Fact]
    public async Task A_delta_that_does_not_rebuild_to_its_hash_is_refused_and_nothing_is_staged_or_committed()
    {
        var key = NewKey();
        var v1 = await SampleAsync(seed: 4210);
        await ProfileUploads.PushAsync(Cluster.Client, key, v1);
        var v2 = await EditAsync(v1, [3], seed: 4211);
        var delta = ProfileDelta.Encode(v1.Manifest, v2.Manifest, Both(v1, v2));
        var packsBefore = await Packs().ListAsync(key);

        // The payload is the delta's tail: a flipped bit there rebuilds other bytes (or none).
        delta[^2] ^= 0x01;
        var error = await Assert.ThrowsAsync<DeltaRejectedException>(() => Cluster.Upload(key).BeginDeltaUpload(Request(v2, delta, baseSnapshot: 1)));

        Assert.StartsWith("The delta was refused: ", error.Message);
        var status = await Cluster.Profile(key).GetStatus();
        Assert.Equal((1, 0), (status.Current?.Number, status.OpenSessions));
        Assert.Equal(packsBefore.Order(), (await Packs().ListAsync(key)).Order());
        Assert.DoesNotContain(await Manifests().ListAsync(key), n => n.Value.StartsWith("session", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_collected_base_is_answered_with_its_typed_error_and_a_whole_snapshot_read()
    {
        var key = NewKey();
        var v1 = await SampleAsync(seed: 4220);
        await ProfileUploads.PushAsync(Cluster.Client, key, v1);
        var v2 = await EditAsync(v1, [2], seed: 4221);
        await ProfileUploads.PushAsync(Cluster.Client, key, v2, baseSnapshot: 1);
        var v3 = await EditAsync(v2, [5], seed: 4222);
        await ProfileUploads.PushAsync(Cluster.Client, key, v3, baseSnapshot: 2);
        Assert.Equal([2, 3], (await Cluster.Profile(key).GetHistory()).Select(s => s.Number));

        var v4 = await EditAsync(v3, [6], seed: 4223);
        var error = await Assert.ThrowsAsync<DeltaBaseUnavailableException>(
            () => Cluster.Upload(key).BeginDeltaUpload(Request(v4, ProfileDelta.Encode(v1.Manifest, v4.Manifest, Both(v1, v4)), baseSnapshot: 1)));

        Assert.Equal(1, error.BaseSnapshot);
        Assert.Equal(0, (await Cluster.Profile(key).GetStatus()).OpenSessions);
        var read = await Cluster.Profile(key).GetSnapshotDelta(0, baseNumber: 1);
        Assert.Equal((3, null), (read.Info.Number, read.Delta));
    }

    [Fact]
    public async Task A_pull_onto_an_older_snapshot_reads_the_changed_pages_against_it_and_rebuilds_the_new_one()
    {
        var key = NewKey();
        var v1 = await SampleAsync(seed: 4230);
        await ProfileUploads.PushAsync(Cluster.Client, key, v1);
        var v2 = await EditAsync(v1, [7, 8, 60], seed: 4231);
        await ProfileUploads.PushAsync(Cluster.Client, key, v2, baseSnapshot: 1);

        var read = await Cluster.Profile(key).GetSnapshotDelta(0, baseNumber: 1);
        var delta = ProfileDelta.Read(read.Delta!, v1.Manifest);
        var (files, chunks) = delta.Rebuild(v1.Chunks);

        Assert.Equal(2, read.Info.Number);
        Assert.InRange(read.Delta!.Length, 50, 300);
        Assert.Equal(3, delta.PayloadChunks);
        Assert.Equal(v2.ManifestHash, new ProfileManifest(files, []).ComputeHash());
        Assert.All(chunks, c => Assert.Equal(v2.Chunks[c.Key], c.Value));
    }

    private static Task<UploadContent> SampleAsync(int seed)
        => UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(64, seed)), ("AppData\\Roaming\\notes.txt", TestData.RandomBytes(3000, seed + 1)));

    private static Task<UploadContent> EditAsync(UploadContent content, int[] pages, int seed)
        => UploadContent.CreateAsync(("NTUSER.DAT", TestData.EditPages(content.Files["NTUSER.DAT"], pages, seed)), ("AppData\\Roaming\\notes.txt", content.Files["AppData\\Roaming\\notes.txt"]));

    private static DeltaUploadRequest Request(UploadContent content, byte[] delta, int baseSnapshot)
        => new(BeginUploadRequest.DeriveSessionId(content.ManifestHash, baseSnapshot, UploadContent.DefaultMachine), content.ManifestHash, baseSnapshot, UploadContent.DefaultMachine, delta);

    private static Dictionary<ContentHash, byte[]> Both(UploadContent a, UploadContent b)
        => a.Chunks.Concat(b.Chunks).DistinctBy(c => c.Key).ToDictionary(c => c.Key, c => c.Value);

    private ProfileKey NewKey() => ProfileKey.Parse($@"contoso\delta{Interlocked.Increment(ref _keys)}");

    private IPackStore Packs() => Cluster.SiloService<IPackStore>();

    private IManifestStore Manifests() => Cluster.SiloService<IManifestStore>();
}
