using System.Collections.Immutable;
using Orleans.Profiles.Admin;

namespace Orleans.Profiles.Tests.Grains;

public sealed class DirectoryStormGrain : Grain, IDirectoryStormGrain
{
    private IProfileDirectoryPartitionGrain Partition => GrainFactory.GetGrain<IProfileDirectoryPartitionGrain>(this.GetPrimaryKeyLong());

    public Task Update(ImmutableArray<ProfileListing> profiles) => Task.WhenAll(profiles.Select(Partition.Update));

    public Task Remove(ImmutableArray<string> accounts) => Task.WhenAll(accounts.Select(Partition.Remove));

    public Task<ProfileDirectoryPage> Query(DirectoryPartitionQuery query) => Partition.Query(query);
}
