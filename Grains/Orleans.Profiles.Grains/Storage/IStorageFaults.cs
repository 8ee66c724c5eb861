namespace Orleans.Profiles.Storage;

/// <summary>
/// Tells a failure of the storage mode's backing store (unreachable, throttled, disk full) from a bug,
/// so that a caller gets a typed, retryable <see cref="StorageUnavailableException"/> instead of an
/// exception type it cannot even deserialize.
/// </summary>
public interface IStorageFaults
{
    /// <summary>A short reason, safe to show a caller (no paths, account names or secrets), when <paramref name="exception"/> is a storage failure; otherwise null.</summary>
    string? Describe(Exception exception);
}
