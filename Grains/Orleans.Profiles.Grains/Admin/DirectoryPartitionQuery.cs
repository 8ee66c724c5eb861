using System.Collections.Immutable;

namespace Orleans.Profiles.Admin;

/// <summary>What the directory asks each partition for one page.</summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.Admin.DirectoryPartitionQuery")]
public sealed record DirectoryPartitionQuery(
    [property: Id(0)] ImmutableArray<string> Filters,
    [property: Id(1)] ProfileSort Sort,
    [property: Id(2)] DirectoryOrder? After,
    [property: Id(3)] int Limit,
    [property: Id(4)] DateTimeOffset Now,
    [property: Id(5)] int Days);
