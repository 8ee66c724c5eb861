using System.Collections.Immutable;

namespace Orleans.Profiles;

/// <summary>One page of profiles in the query's order; <see cref="NextPageToken"/> is null on the last page.</summary>
/// <param name="Matching">How many profiles match the filters, on every page.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ProfileDirectoryPage")]
public sealed record ProfileDirectoryPage(
    [property: Id(0)] ImmutableArray<ProfileListing> Profiles,
    [property: Id(1)] int Matching,
    [property: Id(2)] string? NextPageToken);
