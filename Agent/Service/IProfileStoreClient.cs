using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Service;

/// <summary>What the service asks of the store for one user (its seam to <see cref="ProfileSyncClient"/>).</summary>
public interface IProfileStoreClient
{
    /// <summary>Raised when the store connection was made again or lost a gateway.</summary>
    event Action? Reconnected;

    Task<PushResult> PushAsync(RoamingUser user, CancellationToken cancellationToken);

    /// <summary>Whether the folder has files changed, added or removed since this machine last synced it.</summary>
    Task<bool> HasChangesAsync(RoamingUser user, CancellationToken cancellationToken);

    /// <summary>Pulls the current snapshot into the user's folder; refuses over changes not pushed.</summary>
    Task<PullResult> PullAsync(RoamingUser user, CancellationToken cancellationToken);

    Task<ProfileStatus> GetStatusAsync(RoamingUser user, CancellationToken cancellationToken);

    /// <summary>The snapshot this machine last pushed or pulled for the user's folder, or null.</summary>
    Task<int?> SyncedSnapshotAsync(RoamingUser user, CancellationToken cancellationToken);

    Task<CommitSubscription> SubscribeAsync(RoamingUser user, IProfileCommitObserver observer, CancellationToken cancellationToken);
}
