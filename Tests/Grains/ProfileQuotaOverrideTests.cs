using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>An administrator's quota for one profile, kept in its state: it replaces the store's for that profile only.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class ProfileQuotaOverrideTests() : ProfileStoreTestBase(o => o.MaxProfileBytes = 200_000)
{
    [Fact]
    public async Task A_profiles_own_quota_holds_its_uploads_and_clearing_it_brings_back_the_stores()
    {
        var key = ProfileKey.Parse(@"contoso\quinn");
        var first = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(10, seed: 1600))); // 40,960 bytes
        await ProfileUploads.PushAsync(Cluster.Client, key, first);
        var second = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(10, seed: 1601)));

        var set = await Cluster.Profile(key).SetQuota(64 * 1024);
        Assert.Equal((64L * 1024, 40_960L), (set.QuotaBytes, set.RetainedBytes));
        var refused = await Assert.ThrowsAsync<RequestLimitException>(() => Cluster.Upload(key).BeginUpload(second.Request(baseSnapshot: 1)));
        Assert.Equal((81_920L, 64L * 1024), (refused.Value, refused.Maximum));
        Assert.Equal(0, (await Cluster.Profile(key).GetStatus()).OpenSessions);

        await Assert.ThrowsAsync<InvalidQuotaException>(() => Cluster.Profile(key).SetQuota(-1));
        await Assert.ThrowsAsync<ProfileNotFoundException>(() => Cluster.Profile(ProfileKey.Parse(@"contoso\nobody")).SetQuota(1));

        // Null gives the profile the store's quota again.
        await Assert.ThrowsAsync<RequestLimitException>(() => Cluster.Upload(key).BeginUpload(second.Request(baseSnapshot: 1)));
        Assert.Null((await Cluster.Profile(key).SetQuota(null)).QuotaBytes);
        Assert.Equal(2, (await ProfileUploads.PushAsync(Cluster.Client, key, second, baseSnapshot: 1)).Snapshot.Number);
    }
}
