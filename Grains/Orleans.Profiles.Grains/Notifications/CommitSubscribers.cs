namespace Orleans.Profiles.Notifications;

/// <summary>One profile's subscribed machines, each until its renewal lapses.</summary>
public sealed class CommitSubscribers(TimeProvider time)
{
    private readonly Dictionary<MachineName, (IProfileCommitObserver Observer, DateTimeOffset ExpiresAt)> _machines = [];

    public int Count => _machines.Count;

    /// <summary>Adds or renews a machine's subscription; true when it was not (or no longer) subscribed.</summary>
    public bool Renew(MachineName machine, IProfileCommitObserver observer, out DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        var isNew = !_machines.TryGetValue(machine, out var known) || known.ExpiresAt <= now;
        expiresAt = now + CommitSubscription.Lifetime;
        _machines[machine] = (observer, expiresAt);
        return isNew;
    }

    public void Remove(MachineName machine) => _machines.Remove(machine);

    /// <summary>The observers of live subscriptions other than <paramref name="except"/>'s; lapsed ones are dropped.</summary>
    public List<IProfileCommitObserver> Live(MachineName? except)
    {
        var now = time.GetUtcNow();
        var live = new List<IProfileCommitObserver>(_machines.Count);
        foreach (var (machine, subscription) in _machines.ToList())
        {
            if (subscription.ExpiresAt <= now)
            {
                _machines.Remove(machine);
            }
            else if (machine != except)
            {
                live.Add(subscription.Observer);
            }
        }

        return live;
    }
}
