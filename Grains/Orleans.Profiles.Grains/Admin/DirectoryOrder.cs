namespace Orleans.Profiles.Admin;

/// <summary>
/// Where a profile stands in a listing's order: a number (0, minus the bytes, or minus the last commit's ticks),
/// then the account. Pages follow each other by this key (keyset paging), so a page costs the same at profile
/// 100 as at profile 100,000, and a profile that does not change is listed exactly once.
/// </summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.Admin.DirectoryOrder")]
public readonly record struct DirectoryOrder([property: Id(0)] long Rank, [property: Id(1)] string Account) : IComparable<DirectoryOrder>
{
    public static DirectoryOrder Of(ProfileListing profile, ProfileSort sort) => new(sort switch
    {
        ProfileSort.Size => -profile.RetainedBytes,
        ProfileSort.LastCommit => profile.LastCommitAt is { } at ? -at.UtcTicks : long.MaxValue,
        _ => 0,
    }, profile.Account);

    public int CompareTo(DirectoryOrder other)
    {
        var rank = Rank.CompareTo(other.Rank);
        return rank != 0 ? rank : string.CompareOrdinal(Account, other.Account);
    }
}
