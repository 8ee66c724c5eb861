using Orleans.Concurrency;

namespace Orleans.Profiles;

/// <summary>A workstation service told of each commit of a profile it roams (see <see cref="IProfileSubscriptionsGrain"/>).</summary>
[Alias("Orleans.Profiles.IProfileCommitObserver")]
public interface IProfileCommitObserver : IGrainObserver
{
    /// <summary>One-way: a slow or gone workstation never holds up the others or the commit.</summary>
    [OneWay]
    [Alias("Committed")]
    Task Committed(ProfileCommitted commit);
}
