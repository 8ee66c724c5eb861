using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>With the KeepCurrent policy a late commit does not become current, but it is kept, marked, and can be restored.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class ConflictPolicyTests() : ProfileStoreTestBase(o => o.ConflictPolicy = ConflictPolicy.KeepCurrent)
{
    [Fact]
    public async Task A_late_commit_is_kept_in_history_as_a_conflict_and_the_current_snapshot_stays()
    {
        var key = ProfileKey.Parse(@"contoso\rita");
        var hive = TestData.HiveLike(16, seed: 1);
        await ProfileUploads.PushAsync(Cluster.Client, key, await UploadContent.CreateAsync(("NTUSER.DAT", hive)), machine: "WS1");
        var first = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.ChangePages(hive, [1], seed: 2)));
        var late = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.ChangePages(hive, [2], seed: 3)));

        var won = await ProfileUploads.PushAsync(Cluster.Client, key, first, baseSnapshot: 1, machine: "WS1");
        var kept = await ProfileUploads.PushAsync(Cluster.Client, key, late, baseSnapshot: 1, machine: "WS2");

        Assert.Equal(2, won.Snapshot.Number);
        Assert.Equal(3, kept.Snapshot.Number);
        Assert.Equal(2, kept.Snapshot.LostTo);
        Assert.Equal(0, kept.Snapshot.Replaced);
        Assert.True(kept.Snapshot.IsConflict);
        Assert.Equal("WS2", kept.Snapshot.Machine);
        Assert.Equal(2, (await Cluster.Profile(key).GetStatus()).Current!.Number);
        Assert.Equal([1, 2, 3], (await Cluster.Profile(key).GetHistory()).Select(s => s.Number));

        var restored = await Cluster.Profile(key).Restore(3, "ADMIN");
        Assert.Equal(4, restored.Snapshot.Number);
        Assert.Equal(3, restored.Snapshot.RestoredFrom);
        var current = await Cluster.Profile(key).GetSnapshot(0);
        Assert.Equal(4, current.Info.Number);
        Assert.Equal(late.Files["NTUSER.DAT"], (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, current.Manifest))["NTUSER.DAT"]);
    }
}
