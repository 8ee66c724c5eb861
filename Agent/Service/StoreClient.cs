using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Service;

/// <summary>The service's store calls through one <see cref="ProfileSyncClient"/> for the life of the service.</summary>
public sealed class StoreClient(ProfileSyncClient client) : IProfileStoreClient
{
    public event Action? Reconnected
    {
        add => client.Reconnected += value;
        remove => client.Reconnected -= value;
    }

    public Task<PushResult> PushAsync(RoamingUser user, CancellationToken cancellationToken)
        => client.PushAsync(user.Account, user.Folder, progress: null, cancellationToken);

    public Task<bool> HasChangesAsync(RoamingUser user, CancellationToken cancellationToken)
        => client.HasLocalChangesAsync(user.Account, user.Folder, cancellationToken);

    public Task<PullResult> PullAsync(RoamingUser user, CancellationToken cancellationToken)
        => client.PullAsync(user.Account, user.Folder, snapshotNumber: 0, force: false, progress: null, cancellationToken);

    public Task<ProfileStatus> GetStatusAsync(RoamingUser user, CancellationToken cancellationToken)
        => client.GetStatusAsync(user.Account, cancellationToken);

    public async Task<int?> SyncedSnapshotAsync(RoamingUser user, CancellationToken cancellationToken)
        => (await client.GetSyncRecordAsync(user.Account, user.Folder, cancellationToken))?.Snapshot;

    public Task<CommitSubscription> SubscribeAsync(RoamingUser user, IProfileCommitObserver observer, CancellationToken cancellationToken)
        => client.SubscribeAsync(user.Account, observer, cancellationToken);
}
