using System.Collections.Immutable;

namespace Orleans.Profiles;

/// <summary>A page of <c>admin list</c>: filters (ANDed, e.g. <c>open-uploads&gt;0</c>), order, size, and the previous page's token.</summary>
/// <param name="Days">Conflicts and refused damaged hives are counted over this many days back.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ProfileDirectoryQuery")]
public sealed record ProfileDirectoryQuery(
    [property: Id(0)] ImmutableArray<string> Filters,
    [property: Id(1)] ProfileSort Sort = ProfileSort.Account,
    [property: Id(2)] int PageSize = ProfileDirectoryQuery.DefaultPageSize,
    [property: Id(3)] string? PageToken = null,
    [property: Id(4)] int Days = ProfileDirectoryQuery.DefaultDays)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const int DefaultDays = 7;
    public const int MaxDays = 366;
}
