using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Admin;

/// <summary>
/// One partition of the directory, persisted in the profiles' grain storage. A write happens only when an entry
/// changed, so a profile grain re-announcing itself on activation costs a call, not a write.
/// </summary>
public sealed class ProfileDirectoryPartitionGrain(
    [PersistentState("directory", ProfileStorageNames.GrainState)] IPersistentState<ProfileDirectoryPartitionState> state) : Grain, IProfileDirectoryPartitionGrain
{
    private Dictionary<string, ProfileListing> Profiles => state.State.Profiles;

    public async Task Update(ProfileListing profile)
    {
        var kept = Profiles.TryGetValue(profile.Account, out var known) ? known.DamagedHives : [];
        var updated = profile with { DamagedHives = kept };
        if (known is null || !known.SameAs(updated))
        {
            Profiles[profile.Account] = updated;
            await state.WriteStateAsync();
        }
    }

    public async Task RecordDamagedHive(string account, DamagedHiveRefusal refusal)
    {
        var known = Profiles.GetValueOrDefault(account)
            ?? new ProfileListing(account, 0, 0, 0, null, null, [], [], []);
        var since = refusal.At - ProfileDirectory.RefusalsKeptFor;
        Profiles[account] = known with { DamagedHives = [.. known.DamagedHives.Where(r => r.At > since).Append(refusal).TakeLast(ProfileDirectory.MaxRefusalsKept)] };
        await state.WriteStateAsync();
    }

    public async Task Remove(string account)
    {
        if (Profiles.Remove(account))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<ProfileDirectoryPage> Query(DirectoryPartitionQuery query)
    {
        var filter = DirectoryFilter.Parse(query.Filters);
        var since = query.Now - TimeSpan.FromDays(query.Days);
        var matching = 0;
        var page = new SortedList<DirectoryOrder, ProfileListing>(query.Limit + 1);
        foreach (var stored in Profiles.Values)
        {
            var profile = stored with { Conflicts = [.. stored.Conflicts.Where(c => c >= since)], DamagedHives = [.. stored.DamagedHives.Where(r => r.At >= since)] };
            if (!filter.Matches(profile, query.Now))
            {
                continue;
            }

            matching++;
            var order = DirectoryOrder.Of(profile, query.Sort);
            if (query.After is { } after && order.CompareTo(after) <= 0)
            {
                continue;
            }

            // Keep the first Limit in order: add, then drop the last once over.
            if (page.Count < query.Limit || order.CompareTo(page.Keys[^1]) < 0)
            {
                page.Add(order, profile);
                if (page.Count > query.Limit)
                {
                    page.RemoveAt(page.Count - 1);
                }
            }
        }

        return Task.FromResult(new ProfileDirectoryPage([.. page.Values], matching, NextPageToken: null));
    }
}
