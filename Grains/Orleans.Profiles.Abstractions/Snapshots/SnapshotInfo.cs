namespace Orleans.Profiles;

/// <summary>One entry of a profile's history: small metadata kept in grain state.</summary>
/// <param name="BaseSnapshot">What the committing workstation had synced before (0 for none).</param>
/// <param name="Replaced">
/// When the commit's base was not the current snapshot (two machines, or a late retry), the
/// snapshot it replaced as current: that one stays in history, marked by this link, never dropped.
/// </param>
/// <param name="RestoredFrom">Non-zero when this snapshot is a restore of an earlier one.</param>
/// <param name="LostTo">
/// When the commit's base was not the current snapshot and the conflict policy kept the current one,
/// the snapshot that stayed current: this one is kept in history, never made current by itself.
/// </param>
/// <param name="Warning">
/// What a user or administrator should know about this snapshot's content: a dirty hive without its
/// transaction logs, or a damaged hive accepted because the store is set to accept and mark them.
/// </param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.SnapshotInfo")]
public sealed record SnapshotInfo(
    [property: Id(0)] int Number,
    [property: Id(1)] DateTimeOffset CommittedAt,
    [property: Id(2)] string Machine,
    [property: Id(3)] long Bytes,
    [property: Id(4)] int Files,
    [property: Id(5)] ContentHash ManifestHash,
    [property: Id(6)] int BaseSnapshot,
    [property: Id(7)] int Replaced,
    [property: Id(8)] int RestoredFrom,
    [property: Id(9)] Guid SessionId,
    [property: Id(10)] int LostTo = 0,
    [property: Id(11)] string? Warning = null)
{
    /// <summary>True when this commit was based on a snapshot that was no longer current.</summary>
    public bool IsConflict => Replaced != 0 || LostTo != 0;
}
