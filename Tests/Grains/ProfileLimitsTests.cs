using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>Per-profile limits: open uploads and the quota, each refused with a typed error that names the limit, changing nothing.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class ProfileLimitsTests() : ProfileStoreTestBase(o =>
{
    o.MaxOpenSessions = 2;
    o.MaxProfileBytes = Quota;
})
{
    private const long Quota = 200_000;
    [Fact]
    public async Task A_machines_new_push_replaces_its_unfinished_one_and_other_machines_are_capped()
    {
        var key = ProfileKey.Parse(@"contoso\tom");
        var upload = Cluster.Upload(key);
        var first = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(4, seed: 1)));
        var second = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(4, seed: 2)));
        await upload.BeginUpload(first.Request(machine: "WS1"));
        await upload.BeginUpload(second.Request(machine: "ws1"));
        Assert.Equal(1, (await Cluster.Profile(key).GetStatus()).OpenSessions);
        await Assert.ThrowsAsync<UploadSessionNotFoundException>(() => upload.CommitUpload(first.Request(machine: "WS1").SessionId));

        await upload.BeginUpload(first.Request(machine: "WS2"));
        var third = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(4, seed: 3)));
        var refused = await Assert.ThrowsAsync<RequestLimitException>(() => upload.BeginUpload(third.Request(machine: "WS3")));
        Assert.Equal(3, refused.Value);
        Assert.Equal(2, refused.Maximum);
        Assert.Contains("open uploads", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await Cluster.Profile(key).GetStatus()).OpenSessions);
    }

    [Fact]
    public async Task A_push_over_the_quota_is_refused_naming_the_limit_and_the_profile_is_unchanged()
    {
        var key = ProfileKey.Parse(@"contoso\una");
        var fits = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(30, seed: 4))); // 122,880 bytes
        await ProfileUploads.PushAsync(Cluster.Client, key, fits);

        var over = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(20, seed: 5))); // + 81,920 > 200,000
        var refused = await Assert.ThrowsAsync<RequestLimitException>(() => Cluster.Upload(key).BeginUpload(over.Request(baseSnapshot: 1)));

        Assert.Equal(30 * 4096 + 20 * 4096, refused.Value);
        Assert.Equal(Quota, refused.Maximum);
        var status = await Cluster.Profile(key).GetStatus();
        Assert.Equal(1, status.Current!.Number);
        Assert.Equal(0, status.OpenSessions);
    }
}
