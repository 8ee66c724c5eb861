using System.Collections.Immutable;

namespace Orleans.Profiles;

/// <summary>One profile as the directory knows it (<c>admin list</c>): kept current by the profile grain at every state write.</summary>
/// <param name="RetainedBytes">The bytes of every snapshot in history, as the quota counts them.</param>
/// <param name="Conflicts">When conflicting commits happened (in a list: within the query's days only).</param>
/// <param name="DamagedHives">Commits refused for a damaged hive (in a list: within the query's days only).</param>
/// <param name="QuotaBytes">The profile's own quota, if an administrator set one; null means the store-wide one.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ProfileListing")]
public sealed record ProfileListing(
    [property: Id(0)] string Account,
    [property: Id(1)] int Current,
    [property: Id(2)] int Snapshots,
    [property: Id(3)] long RetainedBytes,
    [property: Id(4)] DateTimeOffset? LastCommitAt,
    [property: Id(5)] string? LastMachine,
    [property: Id(6)] ImmutableArray<OpenUpload> OpenUploads,
    [property: Id(7)] ImmutableArray<DateTimeOffset> Conflicts,
    [property: Id(8)] ImmutableArray<DamagedHiveRefusal> DamagedHives,
    [property: Id(9)] bool Deleting = false,
    [property: Id(10)] long? QuotaBytes = null)
{
    /// <summary>Same content, lists compared by value (records compare arrays by reference).</summary>
    public bool SameAs(ProfileListing other)
        => this with { OpenUploads = [], Conflicts = [], DamagedHives = [] } == other with { OpenUploads = [], Conflicts = [], DamagedHives = [] }
           && OpenUploads.SequenceEqual(other.OpenUploads) && Conflicts.SequenceEqual(other.Conflicts) && DamagedHives.SequenceEqual(other.DamagedHives);
}
