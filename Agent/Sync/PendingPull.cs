namespace Orleans.Profiles.Sync;

/// <summary>
/// The journal of a pull whose files are all built and verified but not yet all in place: written
/// (durably) before the first rename, deleted after the sync record. A pull cut between two renames
/// is finished from it by the next run, so the folder never keeps files of two snapshots.
/// </summary>
public sealed record PendingPull(SyncRecord Record, IReadOnlyList<PendingFile> Files);
