namespace Orleans.Profiles;

/// <summary>
/// The silo answered but its storage (Azure Storage, or the local data folder) failed or did not answer.
/// Nothing is lost: an upload stays staged, the current snapshot stays current, and every store call is
/// idempotent, so the caller retries later.
/// </summary>
[GenerateSerializer, Alias("Orleans.Profiles.StorageUnavailableException")]
public sealed class StorageUnavailableException : ProfileStoreException
{
    public StorageUnavailableException(string reason)
        : base($"The profile store's storage is unavailable ({reason}).")
    {
        Reason = reason;
    }

    [Id(0)] public string Reason { get; private set; }

    public override bool IsBadInput => false;
}
