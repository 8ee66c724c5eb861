using Orleans.Profiles.Tests.Hives;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>A site may prefer any copy to none: with AcceptAndMark a damaged hive commits, and its snapshot says so.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class DamagedHivePolicyTests() : ProfileStoreTestBase(o => o.DamagedHives = DamagedHivePolicy.AcceptAndMark)
{
    [Fact]
    public async Task A_damaged_hive_is_committed_and_marked_in_history()
    {
        var key = ProfileKey.Parse(@"contoso\sam");
        var hive = new HiveBuilder().Bin(4096, -0x20).Bin(4096, -0x40).Build();
        hive.AsSpan(0x2000, 0x1000).Clear();
        var commit = await ProfileUploads.PushAsync(Cluster.Client, key, await UploadContent.CreateAsync(("NTUSER.DAT", hive)));

        Assert.Equal(1, (await Cluster.Profile(key).GetStatus()).Current!.Number);
        Assert.StartsWith("NTUSER.DAT is damaged at offset 8192", commit.Snapshot.Warning, StringComparison.Ordinal);
    }
}
