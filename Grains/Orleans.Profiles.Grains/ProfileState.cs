using Orleans.Profiles.Uploads;

namespace Orleans.Profiles;

/// <summary>
/// A profile's persisted state: small metadata only. Manifests and chunk bytes live in the
/// stores; writing this state is the atomic swap that makes a snapshot current.
/// </summary>
[GenerateSerializer, Alias("Orleans.Profiles.ProfileState")]
public sealed class ProfileState
{
    /// <summary>The current snapshot, 0 before the first commit.</summary>
    [Id(0)] public int Current { get; set; }

    /// <summary>The highest snapshot number ever given, so numbers are never reused.</summary>
    [Id(1)] public int LastNumber { get; set; }

    /// <summary>Retained snapshots, oldest first.</summary>
    [Id(2)] public List<SnapshotInfo> History { get; set; } = [];

    [Id(3)] public Dictionary<Guid, UploadSession> Sessions { get; set; } = [];

    /// <summary>The tombstone of an administrator's delete: set first, so a delete cut short is finished, never read.</summary>
    [Id(4)] public bool Deleting { get; set; }

    /// <summary>An administrator's quota for this profile; null: the store's (<see cref="ProfileStoreOptions.MaxProfileBytes"/>).</summary>
    [Id(5)] public long? QuotaBytes { get; set; }
}
