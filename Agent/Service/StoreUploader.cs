using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Service;

/// <summary>The service's pushes through one <see cref="ProfileSyncClient"/> for the life of the service.</summary>
public sealed class StoreUploader(ProfileSyncClient client) : IProfileUploader
{
    public Task<PushResult> PushAsync(RoamingUser user, CancellationToken cancellationToken)
        => client.PushAsync(user.Account, user.Folder, progress: null, cancellationToken);

    public Task<bool> HasChangesAsync(RoamingUser user, CancellationToken cancellationToken)
        => client.HasLocalChangesAsync(user.Account, user.Folder, cancellationToken);
}
