using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Orleans.Profiles;

/// <summary>A user's roaming profile: its current snapshot and history. Keyed by <see cref="ProfileKey.Value"/>.</summary>
[Alias("Orleans.Profiles.IProfileGrain")]
public interface IProfileGrain : IGrainWithStringKey, IProfileContract
{
    /// <summary>
    /// The current snapshot and counts as last stored. Interleaves with every other call, so a status check (a logon, a
    /// workstation's periodic check) never waits behind an upload's commit on the same profile.
    /// </summary>
    [Alias("GetStatus")]
    [AlwaysInterleave]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Admin | ProfileAccess.Machine)]
    Task<ProfileStatus> GetStatus();

    /// <summary>The retained snapshots, oldest first.</summary>
    [Alias("GetHistory")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Admin)]
    Task<ImmutableArray<SnapshotInfo>> GetHistory();

    /// <summary>A snapshot with its manifest; 0 means the current one.</summary>
    [Alias("GetSnapshot")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine)]
    Task<Snapshot> GetSnapshot(int number);

    /// <summary>A snapshot (0: the current one) encoded against <paramref name="baseNumber"/>, the one the workstation holds.</summary>
    [Alias("GetSnapshotDelta")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Machine)]
    Task<SnapshotDelta> GetSnapshotDelta(int number, int baseNumber);

    /// <summary>Makes an earlier snapshot current again, as a new snapshot (history is never rewritten).</summary>
    [Alias("Restore")]
    [ProfileAccess(ProfileAccess.Owner | ProfileAccess.Admin)]
    Task<CommitResult> Restore(int number, string machine);

    /// <summary>
    /// Drops snapshots outside the retention window and deletes manifests, packs and staged data that
    /// no retained snapshot and no open upload references (never sooner). Also runs after commits.
    /// </summary>
    [Alias("CollectGarbage")]
    [ProfileAccess(ProfileAccess.Admin)]
    Task<GarbageCollectionResult> CollectGarbage();

    /// <summary>
    /// Removes the profile: every snapshot, pack, manifest, staged upload and its state. A tombstone is written first,
    /// so a delete cut short leaves a profile nobody can read, which a second call finishes deleting.
    /// </summary>
    /// <param name="confirm">The account again, as the administrator typed it.</param>
    /// <param name="force">Delete even while uploads are open.</param>
    [Alias("Delete")]
    [ProfileAccess(ProfileAccess.Admin)]
    Task<ProfileDeletion> Delete(string confirm, bool force);

    /// <summary>Sets this profile's quota (bytes of its history plus a new snapshot; 0: none), or with null the store's again.</summary>
    [Alias("SetQuota")]
    [ProfileAccess(ProfileAccess.Admin)]
    Task<ProfileListing> SetQuota(long? bytes);
}
