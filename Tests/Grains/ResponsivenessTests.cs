using Microsoft.Extensions.DependencyInjection;
using Orleans.Profiles.Local;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>
/// A profile answers its status while one of its uploads waits on storage or verification (a logoff storm must not make
/// logons and checks wait), and the upload itself stays one consistent sequence: what it held finishes, then what queued.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class ResponsivenessTests() : ProfileStoreTestBase(configureSilo: silo => silo.Services.AddSingleton<IPackStore>(services =>
    new GatedPackStore(ActivatorUtilities.CreateInstance<LocalPackStore>(services))))
{
    /// <summary>Long enough for any answer on a loaded machine; a held call that never returns fails here rather than hanging.</summary>
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(30);

    private GatedPackStore Packs => (GatedPackStore)Cluster.SiloService<IPackStore>();

    [Fact]
    public async Task Status_answers_while_a_commit_waits_on_its_pack_and_the_commit_then_succeeds()
    {
        var key = ProfileKey.Parse(@"CONTOSO\Held");
        var first = (await ProfileUploads.PushAsync(Cluster.Client, key, await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(40, seed: 1))))).Snapshot;
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(300, seed: 2)));
        var upload = Cluster.Upload(key);
        var request = content.Request(baseSnapshot: first.Number);
        var begun = await upload.BeginUpload(request);
        Assert.Equal(0, await ProfileUploads.PutAsync(upload, request.SessionId, content, begun.Missing));

        var gate = Packs.HoldNextCommit();
        var commit = upload.CommitUpload(request.SessionId);
        await gate.Entered.WaitAsync(Answer);

        // The commit's turn is waiting on the pack: the status is the state as stored, with the session still open.
        Assert.Equal(new ProfileStatus(key.Value, first, 1, 1), await Cluster.Profile(key).GetStatus().WaitAsync(Answer));
        Assert.False(commit.IsCompleted);

        gate.Release();
        var committed = await commit.WaitAsync(Answer);
        Assert.Equal((2, false), (committed.Snapshot.Number, committed.AlreadyCommitted));
        Assert.Equal(new ProfileStatus(key.Value, committed.Snapshot, 2, 0), await Cluster.Profile(key).GetStatus());
        var snapshot = await Cluster.Profile(key).GetSnapshot(0);
        Assert.Equal(content.Files["NTUSER.DAT"], (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest))["NTUSER.DAT"]);
    }

    [Fact]
    public async Task Status_answers_while_a_put_waits_on_its_staging_write_and_a_commit_sent_meanwhile_waits_for_it()
    {
        var key = ProfileKey.Parse(@"CONTOSO\Staging");
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(300, seed: 3)));
        var upload = Cluster.Upload(key);
        var request = content.Request();
        var begun = await upload.BeginUpload(request);
        var batches = content.Batches(begun.Missing).ToList();
        Assert.Equal(2, batches.Count);
        await upload.PutChunks(request.SessionId, batches[0]);

        var gate = Packs.HoldNextStage();
        var put = upload.PutChunks(request.SessionId, batches[1]);
        await gate.Entered.WaitAsync(Answer);

        // The commit queues behind the put (one call of an upload at a time); the status does not.
        var commit = upload.CommitUpload(request.SessionId);
        Assert.Equal(new ProfileStatus(key.Value, null, 0, 1), await Cluster.Profile(key).GetStatus().WaitAsync(Answer));
        Assert.False(put.IsCompleted);
        Assert.False(commit.IsCompleted);

        gate.Release();
        Assert.Equal(0, await put.WaitAsync(Answer));
        var committed = await commit.WaitAsync(Answer);
        Assert.Equal(1, committed.Snapshot.Number);
        Assert.Equal(new ProfileStatus(key.Value, committed.Snapshot, 1, 0), await Cluster.Profile(key).GetStatus());
    }
}
