using Orleans.Concurrency;

namespace Orleans.Profiles;

/// <summary>
/// Who is told of a profile's commits: the workstations that roam it. Keyed like the profile grain. Kept in
/// memory only (renewals rebuild it after a silo loss), apart from the profile grain so that neither keeps
/// the other activated.
/// </summary>
[Alias("Orleans.Profiles.IProfileSubscriptionsGrain")]
public interface IProfileSubscriptionsGrain : IGrainWithStringKey, IProfileContract
{
    /// <summary>Adds or renews <paramref name="machine"/>'s subscription (one per machine: a renewal replaces its observer).</summary>
    [Alias("Subscribe")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine | ProfileAccess.Admin)]
    Task<CommitSubscription> Subscribe(string machine, IProfileCommitObserver observer);

    [Alias("Unsubscribe")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine | ProfileAccess.Admin)]
    Task Unsubscribe(string machine);

    /// <summary>Called by the profile grain after each commit, under the committing caller's token; tells every machine but the committing one.</summary>
    [OneWay]
    [Alias("Publish")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine | ProfileAccess.Admin)]
    Task Publish(ProfileCommitted commit);
}
