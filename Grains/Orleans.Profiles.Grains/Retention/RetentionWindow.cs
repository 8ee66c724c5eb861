namespace Orleans.Profiles.Retention;

/// <summary>
/// Which snapshots a profile keeps: the current one, the newest <see cref="ProfileStoreOptions.RetainSnapshots"/>,
/// every one younger than <see cref="ProfileStoreOptions.RetainFor"/>, and every one an open upload reuses chunks of.
/// A pure function of the state and the time, so the window can be reasoned about (and tested) apart from the grain.
/// </summary>
public static class RetentionWindow
{
    public static IReadOnlySet<int> Retained(ProfileState state, DateTimeOffset now, int retainSnapshots, TimeSpan retainFor)
    {
        var since = now - retainFor;
        var retained = state.History
            .OrderByDescending(s => s.Number)
            .Select((s, rank) => (s, rank))
            .Where(x => x.rank < retainSnapshots || x.s.CommittedAt >= since)
            .Select(x => x.s.Number)
            .ToHashSet();
        retained.Add(state.Current);
        retained.UnionWith(state.Sessions.Values.Select(s => s.IndexSnapshot));
        return retained;
    }

    /// <summary>True when some snapshot in history has left the window: garbage collection has work to do.</summary>
    public static bool HasExpired(ProfileState state, DateTimeOffset now, int retainSnapshots, TimeSpan retainFor)
    {
        var retained = Retained(state, now, retainSnapshots, retainFor);
        return state.History.Any(s => !retained.Contains(s.Number));
    }
}
