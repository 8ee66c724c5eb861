using Orleans.Concurrency;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Admin;

/// <summary>
/// One partition of the directory, persisted in the profiles' grain storage. A write happens only when an entry
/// changed, so a profile grain re-announcing itself on activation costs a call, not a write. Each write stores
/// the whole partition, so under a logoff storm the changes that arrive while one write is in flight share the
/// next (a group commit): a call returns only once a write holding its change is stored, and the writes per
/// second no longer bound the updates per second. Reentrant for that; every change to memory is one turn.
/// </summary>
[Reentrant]
public sealed class ProfileDirectoryPartitionGrain(
    [PersistentState("directory", ProfileStorageNames.GrainState)] IPersistentState<ProfileDirectoryPartitionState> state) : Grain, IProfileDirectoryPartitionGrain
{
    private Task _lastWrite = Task.CompletedTask;
    private Task? _nextWrite;
    private Dictionary<string, ProfileListing>? _profiles;

    /// <summary>The live entries; a write stores a copy taken when it starts, so changes never race its serialization.</summary>
    private Dictionary<string, ProfileListing> Profiles => _profiles ??= state.State.Profiles;

    public async Task Update(ProfileListing profile)
    {
        var kept = Profiles.TryGetValue(profile.Account, out var known) ? known.DamagedHives : [];
        var updated = profile with { DamagedHives = kept };
        if (known is null || !known.SameAs(updated))
        {
            Profiles[profile.Account] = updated;
            await SaveAsync();
        }
    }

    public async Task RecordDamagedHive(string account, DamagedHiveRefusal refusal)
    {
        var known = Profiles.GetValueOrDefault(account)
            ?? new ProfileListing(account, 0, 0, 0, null, null, [], [], []);
        var since = refusal.At - ProfileDirectory.RefusalsKeptFor;
        Profiles[account] = known with { DamagedHives = [.. known.DamagedHives.Where(r => r.At > since).Append(refusal).TakeLast(ProfileDirectory.MaxRefusalsKept)] };
        await SaveAsync();
    }

    public async Task Remove(string account)
    {
        if (Profiles.Remove(account))
        {
            await SaveAsync();
        }
    }

    /// <summary>A write that holds every change made so far: the one not started yet, shared by all changes until it starts.</summary>
    private Task SaveAsync()
    {
        if (_nextWrite is { } next)
        {
            return next;
        }

        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _nextWrite = written.Task;
        _ = WriteAfterAsync(_lastWrite, written);
        return written.Task;
    }

    private async Task WriteAfterAsync(Task previous, TaskCompletionSource written)
    {
        try
        {
            await previous;
        }
        catch
        {
            // Its callers were told; this write stores their changes too.
        }

        // Changes from here on are not in this write: they start the next one.
        _nextWrite = null;
        state.State = new ProfileDirectoryPartitionState { Profiles = new Dictionary<string, ProfileListing>(Profiles, StringComparer.Ordinal) };
        var write = state.WriteStateAsync();
        _lastWrite = write;
        try
        {
            await write;
            written.SetResult();
        }
        catch (Exception ex)
        {
            written.SetException(ex);
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
