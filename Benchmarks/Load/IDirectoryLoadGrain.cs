using System.Collections.Immutable;

namespace Orleans.Profiles.Benchmarks.Load;

/// <summary>Announces listings to the directory from inside the cluster, as the profile grains do after each state write.</summary>
public interface IDirectoryLoadGrain : IGrainWithIntegerKey
{
    /// <summary>All at once, as a storm's commits arrive.</summary>
    Task UpdateAtOnce(ImmutableArray<ProfileListing> profiles);

    /// <summary>One after another: each waits for the previous one's write, as a partition that writes every change alone would.</summary>
    Task UpdateInTurn(ImmutableArray<ProfileListing> profiles);
}
