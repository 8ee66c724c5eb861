using Orleans.Concurrency;

namespace Orleans.Profiles.Admin;

/// <summary>
/// Lists the directory: checks the query, asks every partition for its first page after the token's place, merges
/// them in order and issues the token of the next page. A stateless worker, so listings run beside each other.
/// </summary>
[StatelessWorker]
public sealed class ProfileDirectoryGrain(TimeProvider time) : Grain, IProfileDirectoryGrain
{
    public async Task<ProfileDirectoryPage> List(ProfileDirectoryQuery query)
    {
        if (query is null || query.PageSize is < 1 or > ProfileDirectoryQuery.MaxPageSize)
        {
            throw new InvalidDirectoryQueryException($"the page size must be 1 to {ProfileDirectoryQuery.MaxPageSize}");
        }

        if (query.Days is < 1 or > ProfileDirectoryQuery.MaxDays)
        {
            throw new InvalidDirectoryQueryException($"the days must be 1 to {ProfileDirectoryQuery.MaxDays}");
        }

        if (!Enum.IsDefined(query.Sort))
        {
            throw new InvalidDirectoryQueryException($"{(int)query.Sort} is not a sort order");
        }

        var filters = query.Filters.IsDefault ? [] : query.Filters;
        var filter = DirectoryFilter.Parse(filters);
        var fingerprint = DirectoryPageToken.Fingerprint(filter, query.Sort, query.Days);
        DirectoryOrder? after = query.PageToken is { Length: > 0 } token ? DirectoryPageToken.Decode(token, fingerprint) : null;

        var partitionQuery = new DirectoryPartitionQuery(filters, query.Sort, after, query.PageSize + 1, time.GetUtcNow(), query.Days);
        var answers = await Task.WhenAll(Enumerable.Range(0, ProfileDirectory.Partitions)
            .Select(p => GrainFactory.GetGrain<IProfileDirectoryPartitionGrain>(p).Query(partitionQuery)));

        // One more than a page was asked of each: if any is left after this page, there is a next one.
        var merged = answers.SelectMany(a => a.Profiles).OrderBy(p => DirectoryOrder.Of(p, query.Sort)).Take(query.PageSize + 1).ToList();
        var page = merged.Take(query.PageSize).ToList();
        var next = merged.Count > query.PageSize ? DirectoryPageToken.Encode(fingerprint, DirectoryOrder.Of(page[^1], query.Sort)) : null;
        return new ProfileDirectoryPage([.. page], answers.Sum(a => a.Matching), next);
    }
}
