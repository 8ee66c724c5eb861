using System.Collections.Immutable;
using Orleans.Profiles.Admin;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>Calls a directory partition from inside the cluster, as the profile grains do, many calls at once.</summary>
public interface IDirectoryStormGrain : IGrainWithIntegerKey
{
    Task Update(ImmutableArray<ProfileListing> profiles);

    Task Remove(ImmutableArray<string> accounts);

    Task<ProfileDirectoryPage> Query(DirectoryPartitionQuery query);
}
