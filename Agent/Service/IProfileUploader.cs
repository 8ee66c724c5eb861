using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Service;

/// <summary>Pushes one user's profile folder to the store (the service's seam to <see cref="ProfileSyncClient"/>).</summary>
public interface IProfileUploader
{
    Task<PushResult> PushAsync(RoamingUser user, CancellationToken cancellationToken);

    /// <summary>Whether the folder has files changed, added or removed since this machine last synced it.</summary>
    Task<bool> HasChangesAsync(RoamingUser user, CancellationToken cancellationToken);
}
