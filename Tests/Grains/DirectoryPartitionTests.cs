using System.Collections.Immutable;
using Orleans.Profiles.Admin;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>A directory partition under a logoff storm: changes that share one write are all stored.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class DirectoryPartitionTests(ProfileClusterFixture fixture) : IClassFixture<ProfileClusterFixture>
{
    [Fact]
    public async Task Concurrent_updates_and_removals_are_all_stored_when_their_calls_return()
    {
        // 300 accounts of one partition, as many commits at once would announce them.
        var accounts = Enumerable.Range(0, 100_000).Select(i => ProfileKey.Parse($@"STORM\user{i}").Value)
            .GroupBy(ProfileDirectory.PartitionOf).First().Take(300).ToList();
        var id = ProfileDirectory.PartitionOf(accounts[0]);
        var storm = fixture.Client.GetGrain<IDirectoryStormGrain>(id);
        await storm.Update([.. accounts.Select(a => Listing(a, current: 1))]);

        // A second wave while the first's writes may still be in flight: new numbers for some, removals of others.
        await Task.WhenAll(
            storm.Remove([.. accounts.Where((_, i) => i % 3 == 0)]),
            storm.Update([.. accounts.Select((a, i) => (a, i)).Where(x => x.i % 3 != 0).Select(x => Listing(x.a, current: 2 + (x.i % 2)))]));

        // What is read back after a deactivation is what was stored.
        await fixture.Cluster.Cluster.DeactivateAsync(fixture.Client.GetGrain<IProfileDirectoryPartitionGrain>(id));
        var page = await storm.Query(new DirectoryPartitionQuery([], ProfileSort.Account, After: null, Limit: 1000, fixture.Time.GetUtcNow(), Days: 7));
        var expected = accounts.Select((a, i) => (a, i)).Where(x => x.i % 3 != 0).ToDictionary(x => x.a, x => 2 + (x.i % 2));
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), page.Profiles.Select(p => KeyValuePair.Create(p.Account, p.Current)));
    }

    private static ProfileListing Listing(string account, int current)
        => new(account, current, current, current * 1000L, DateTimeOffset.UnixEpoch.AddDays(current), "WS-1", [], [], []);
}
