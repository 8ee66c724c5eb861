namespace Orleans.Profiles.Sync;

/// <summary>What a push did.</summary>
/// <param name="Unchanged">True when the store's current snapshot already had this content: nothing was sent.</param>
/// <param name="ChunksSent">Chunks this run sent (a resumed push sends only what the store still lacked).</param>
/// <param name="DeltaBase">The snapshot the manifest and changed chunks were encoded against (<see cref="ProfileDelta"/>), 0 when they were sent whole.</param>
/// <param name="BytesRead">Bytes read from local files: each file once, plus the chunks sent that did not fit in <see cref="ProfileSyncOptions.PushBufferBytes"/>.</param>
public sealed record PushResult(
    string Profile,
    SnapshotInfo Snapshot,
    bool Unchanged,
    bool AlreadyCommitted,
    int Files,
    long Bytes,
    int TotalChunks,
    int ChunksSent,
    long BytesSent,
    long BytesRead,
    TimeSpan Elapsed,
    int DeltaBase = 0);
