using System.Collections.Immutable;
using Orleans.Profiles.Admin;

namespace Orleans.Profiles.Benchmarks.Load;

public sealed class DirectoryLoadGrain : Grain, IDirectoryLoadGrain
{
    public Task UpdateAtOnce(ImmutableArray<ProfileListing> profiles)
        => Task.WhenAll(profiles.Select(p => GrainFactory.Partition(p.Account).Update(p)));

    public async Task UpdateInTurn(ImmutableArray<ProfileListing> profiles)
    {
        foreach (var profile in profiles)
        {
            await GrainFactory.Partition(profile.Account).Update(profile);
        }
    }
}
