namespace Orleans.Profiles.Sync;

/// <summary>What a pull did.</summary>
/// <param name="Files">The snapshot's files that roam here (<see cref="ProfileSyncOptions.Filter"/>), <paramref name="Bytes"/> their size.</param>
/// <param name="DeltaBase">The snapshot the store encoded this one against (the one this workstation last synced), 0 when it was read whole.</param>
/// <param name="ChunksFetched">Chunks read from the store; the rest were already in the local files.</param>
public sealed record PullResult(
    string Profile,
    SnapshotInfo Snapshot,
    int Files,
    int FilesWritten,
    int FilesDeleted,
    long Bytes,
    int ChunksFetched,
    long BytesFetched,
    TimeSpan Elapsed,
    int DeltaBase = 0);
