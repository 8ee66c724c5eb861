namespace Orleans.Profiles.Admin;

/// <summary>
/// The directory is split by account over a fixed number of partition grains, so a commit rewrites the state of
/// one partition (about 1/<see cref="Partitions"/> of the store's profiles), and a listing asks each partition
/// for one page and merges. Fixed: changing it would strand entries in partitions no account maps to.
/// </summary>
public static class ProfileDirectory
{
    public const int Partitions = 32;

    /// <summary>How long a refused damaged hive is remembered, and how many at most per profile.</summary>
    public static readonly TimeSpan RefusalsKeptFor = TimeSpan.FromDays(ProfileDirectoryQuery.MaxDays);

    public const int MaxRefusalsKept = 20;

    /// <summary>A stable partition for an account (FNV-1a of its normalised key: string hash codes differ between processes).</summary>
    public static int PartitionOf(string account)
    {
        var hash = 2166136261u;
        foreach (var c in account)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Partitions);
    }

    public static IProfileDirectoryPartitionGrain Partition(this IGrainFactory grains, string account)
        => grains.GetGrain<IProfileDirectoryPartitionGrain>(PartitionOf(account));
}
