using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Orleans.Profiles.Notifications;

/// <summary>
/// Tells the workstations that roam a profile of its commits. Subscriptions live in memory: a silo loss
/// drops them, the workstations' renewals (every few minutes, and on reconnect) bring them back, and the
/// renewal that finds itself new makes the workstation check the current snapshot, so nothing is missed.
/// </summary>
public sealed partial class ProfileSubscriptionsGrain(TimeProvider time, ILocalSiloDetails silo, ILogger<ProfileSubscriptionsGrain> logger) : Grain, IProfileSubscriptionsGrain
{
    private readonly CommitSubscribers _subscribers = new(time);

    public Task<CommitSubscription> Subscribe(string machine, IProfileCommitObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var name = MachineName.Parse(machine);
        var isNew = _subscribers.Renew(name, observer, out var expiresAt);
        if (isNew)
        {
            LogSubscribed(logger, this.GetPrimaryKeyString(), name.Value, _subscribers.Count);
        }

        return Task.FromResult(new CommitSubscription(isNew, silo.SiloAddress.Endpoint.ToString(), expiresAt));
    }

    public Task Unsubscribe(string machine)
    {
        _subscribers.Remove(MachineName.Parse(machine));
        return Task.CompletedTask;
    }

    public Task Publish(ProfileCommitted commit)
    {
        // The committing machine has the snapshot already.
        MachineName? committer = MachineName.TryParse(commit.Snapshot.Machine, out var m, out _) ? m : null;
        foreach (var observer in _subscribers.Live(committer))
        {
            // One-way: returns at once; a workstation that is gone lapses at its expiry.
            _ = observer.Committed(commit);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Profile}: {Machine} subscribed to commits ({Count} machine(s))")]
    private static partial void LogSubscribed(ILogger logger, string profile, string machine, int count);
}
