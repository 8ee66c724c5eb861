using System.Diagnostics.Metrics;

namespace Orleans.Profiles.Telemetry;

/// <summary>The store's OpenTelemetry instruments (meter <c>Orleans.Profiles</c>).</summary>
public sealed class ProfileStoreMetrics
{
    public const string MeterName = "Orleans.Profiles";

    public ProfileStoreMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        UploadsBegun = meter.CreateCounter<long>("profiles.uploads.begun", description: "Upload sessions opened");
        Commits = meter.CreateCounter<long>("profiles.commits", description: "Snapshots committed (restores included)");
        Conflicts = meter.CreateCounter<long>("profiles.commits.conflicts", description: "Commits that replaced a snapshot their workstation had not seen");
        BytesStaged = meter.CreateCounter<long>("profiles.chunks.staged.bytes", unit: "By", description: "Chunk bytes verified and staged");
        ChunksRejected = meter.CreateCounter<long>("profiles.chunks.rejected", description: "Chunks refused because their bytes did not match their hash, length or manifest");
        DamagedHives = meter.CreateCounter<long>("profiles.hives.damaged", description: "Commits refused because a registry hive failed its sanity check");
        SessionsOpen = meter.CreateUpDownCounter<long>("profiles.sessions.open", description: "Upload sessions open in active profile grains");
        SnapshotReads = meter.CreateCounter<long>("profiles.snapshots.read", description: "Snapshot manifests read (one per pull)");
        BytesRead = meter.CreateCounter<long>("profiles.chunks.read.bytes", unit: "By", description: "Chunk bytes served to pulls");
        StorageFailures = meter.CreateCounter<long>("profiles.storage.failures", description: "Storage failures (store calls and grain-state reads and writes) answered 'storage unavailable'");
    }

    public Counter<long> UploadsBegun { get; }

    public Counter<long> Commits { get; }

    public Counter<long> Conflicts { get; }

    public Counter<long> BytesStaged { get; }

    public Counter<long> ChunksRejected { get; }

    public Counter<long> DamagedHives { get; }

    public UpDownCounter<long> SessionsOpen { get; }

    public Counter<long> SnapshotReads { get; }

    public Counter<long> BytesRead { get; }

    public Counter<long> StorageFailures { get; }
}
