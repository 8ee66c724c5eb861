namespace Orleans.Profiles;

/// <summary>Limits and lifetimes of the profile store.</summary>
public sealed class ProfileStoreOptions
{
    public static readonly TimeSpan DefaultSessionLifetime = TimeSpan.FromHours(24);
    public const int DefaultMaxBatchBytes = 8 * 1024 * 1024;
    public const int DefaultMaxReadBytes = 16 * 1024 * 1024;
    public const int DefaultMaxFiles = 100_000;
    public const long DefaultMaxFileBytes = 16L * 1024 * 1024 * 1024;
    public const int DefaultRetainSnapshots = 10;
    public const int DefaultMaxOpenSessions = 4;
    public const long DefaultMaxProfileBytes = 20L * 1024 * 1024 * 1024;
    public static readonly TimeSpan DefaultRetainFor = TimeSpan.FromDays(30);
    public const int DefaultDeleteOperationsPerSecond = 50;

    /// <summary>How long an upload session that is neither committed nor aborted stays open.</summary>
    public TimeSpan SessionLifetime { get; set; } = DefaultSessionLifetime;

    /// <summary>The most chunk bytes one put call may carry (agents send about 1 MiB).</summary>
    public int MaxBatchBytes { get; set; } = DefaultMaxBatchBytes;

    /// <summary>The most chunk bytes one read call may return.</summary>
    public int MaxReadBytes { get; set; } = DefaultMaxReadBytes;

    /// <summary>The most files one snapshot may hold.</summary>
    public int MaxFiles { get; set; } = DefaultMaxFiles;

    /// <summary>The largest file a snapshot may hold.</summary>
    public long MaxFileBytes { get; set; } = DefaultMaxFileBytes;

    /// <summary>Upload sessions one profile may have open at once (one per machine: a machine's new push replaces its unfinished one).</summary>
    public int MaxOpenSessions { get; set; } = DefaultMaxOpenSessions;

    /// <summary>A profile's quota: the total size of the snapshots in its history plus a new one (0: no quota).</summary>
    public long MaxProfileBytes { get; set; } = DefaultMaxProfileBytes;

    /// <summary>Snapshots kept whatever their age: the newest this many (the current one always).</summary>
    public int RetainSnapshots { get; set; } = DefaultRetainSnapshots;

    /// <summary>Snapshots kept whatever their number: every one committed within this long.</summary>
    public TimeSpan RetainFor { get; set; } = DefaultRetainFor;

    /// <summary>Which snapshot becomes current when a commit's base is stale (two machines, a late retry).</summary>
    public ConflictPolicy ConflictPolicy { get; set; } = ConflictPolicy.NewestWins;

    /// <summary>What a commit with a damaged registry hive gets: refused (the last good snapshot stays current), or accepted and marked.</summary>
    public DamagedHivePolicy DamagedHives { get; set; } = DamagedHivePolicy.Refuse;

    /// <summary>
    /// How fast <c>admin delete</c> removes a profile's files or blobs (0: as fast as storage goes), so removing
    /// leavers never takes a storage account's throughput from logons.
    /// </summary>
    public int DeleteOperationsPerSecond { get; set; } = DefaultDeleteOperationsPerSecond;
}
