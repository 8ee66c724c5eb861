using Orleans.Profiles.Tests.Support;
using Orleans.Runtime;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>A profile whose state storage fails answers "storage unavailable" (typed, retryable) and the silo serves everyone else.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class StateStorageFaultTests
{
    [Fact]
    public async Task A_profile_whose_state_cannot_be_read_answers_storage_unavailable_until_storage_is_repaired()
    {
        using var data = new TempDirectory("state-faults");
        await using var cluster = await ProfileStoreCluster.StartAsync(data.Path);
        var dora = ProfileKey.Parse(@"CONTOSO\Dora");
        // A folder in the place of the state file: every read of it fails, as on a damaged disk.
        var stateFile = data.Combine("grain-state", "profiles", "profile", "profile%2fcontoso%5cdora.state");
        Directory.CreateDirectory(stateFile);

        // The state is read while the grain activates; Orleans reports that as a storage provider error around ours.
        var failed = await Assert.ThrowsAsync<OrleansException>(() => cluster.Profile(dora).GetStatus());
        var storage = Assert.IsType<StorageUnavailableException>(failed.InnerException);
        Assert.Equal("the silo may not read or write its data folder", storage.Reason);
        Assert.Equal(0, (await cluster.Profile(ProfileKey.Parse(@"contoso\erin")).GetStatus()).OpenSessions);

        Directory.Delete(stateFile);
        var status = await cluster.Profile(dora).GetStatus();
        Assert.Null(status.Current);
    }
}
