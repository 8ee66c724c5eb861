namespace Orleans.Profiles.Hives;

/// <summary>What <see cref="HiveChecker"/> found in one file.</summary>
/// <param name="Path">The file's path, as given to the checker (used in messages only).</param>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="IsHive">
/// True when the file is a primary registry hive: it starts with "regf" and its base block does not say it is a
/// transaction log. Only primary hives are checked.
/// </param>
/// <param name="IsLog">
/// True when the file starts with "regf" but its base block's file type (at 0x1C) says it is a transaction log
/// (1, 2 or 6: .LOG, .LOG1, .LOG2). A log is not a primary hive; it is neither checked nor refused.
/// </param>
/// <param name="Problem">Null when the file is fine (or is not a primary hive); otherwise what is wrong, precisely.</param>
/// <param name="Offset">The byte offset in the file where <paramref name="Problem"/> was found; null when there is none.</param>
/// <param name="IsDirty">
/// For a primary hive, true when its primary sequence number (at 0x04) differs from its secondary one (at 0x08):
/// a write was under way when the file was copied, and Windows will replay the hive's transaction logs when it loads
/// it. Common in hives copied from a live system; not a problem in itself.
/// </param>
/// <param name="PrimarySequenceNumber">The base block's primary sequence number (at 0x04), for information; 0 when absent.</param>
/// <param name="SecondarySequenceNumber">The base block's secondary sequence number (at 0x08), for information; 0 when absent.</param>
/// <param name="HiveBinsDataSize">The base block's hive bins data size (at 0x28), as written, for information; 0 when absent.</param>
public sealed record HiveCheckResult(
    string Path,
    long Length,
    bool IsHive,
    bool IsLog,
    string? Problem,
    long? Offset,
    bool IsDirty,
    uint PrimarySequenceNumber,
    uint SecondarySequenceNumber,
    long HiveBinsDataSize)
{
    /// <summary>Throws <see cref="DamagedHiveException"/> when <see cref="Problem"/> is set.</summary>
    public void ThrowIfDamaged()
    {
        if (Problem is not null)
        {
            throw new DamagedHiveException(Path, Offset ?? 0, Problem);
        }
    }
}
