using Microsoft.Extensions.DependencyInjection;
using Orleans.Profiles.Local;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>A staging write that fails halfway (a full disk) is reported as storage unavailable and costs a retry, never the session.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class StagingFaultTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("staging-faults");
    private ProfileStoreCluster? _cluster;

    private ProfileStoreCluster Cluster => _cluster!;

    public async Task InitializeAsync()
    {
        _cluster = await ProfileStoreCluster.StartAsync(_data.Path, configureSilo: silo => silo.Services.AddSingleton<IPackStore>(services =>
            new TearingPackStore(
                ActivatorUtilities.CreateInstance<LocalPackStore>(services),
                (key, session) => Path.Combine(_data.Path, "profiles", key.StorageName, "staging", $"{session:N}.stage"))));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _data.Dispose();
    }

    [Fact]
    public async Task A_put_retried_after_a_torn_staging_write_completes_the_upload()
    {
        var key = ProfileKey.Parse("CONTOSO\\Alice");
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(600, seed: 1)));
        var upload = Cluster.Upload(key);
        var request = content.Request();
        var begun = await upload.BeginUpload(request);
        var batches = content.Batches(begun.Missing).ToList();
        Assert.Equal(3, batches.Count);
        await upload.PutChunks(request.SessionId, batches[0]);

        Cluster.SiloService<IPackStore>().As<TearingPackStore>().TearNextStage();
        // The caller learns the kind of failure, not the silo's paths; it is retryable.
        var failed = await Assert.ThrowsAsync<StorageUnavailableException>(() => upload.PutChunks(request.SessionId, batches[1]));
        Assert.Equal("the silo could not read or write its data folder", failed.Reason);
        Assert.False(failed.IsBadInput);

        // The agent retries the batch, then goes on.
        Assert.Equal(batches[2].Length, await upload.PutChunks(request.SessionId, batches[1]));
        Assert.Equal(0, await upload.PutChunks(request.SessionId, batches[2]));
        var committed = await upload.CommitUpload(request.SessionId);

        Assert.Equal(1, committed.Snapshot.Number);
        var snapshot = await Cluster.Profile(key).GetSnapshot(0);
        Assert.Equal(content.Files["NTUSER.DAT"], (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest))["NTUSER.DAT"]);
    }
}
