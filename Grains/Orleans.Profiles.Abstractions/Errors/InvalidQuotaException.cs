namespace Orleans.Profiles;

/// <summary>A per-profile quota that is not a size (negative); nothing changed.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.InvalidQuotaException")]
public sealed class InvalidQuotaException : ProfileStoreException
{
    public InvalidQuotaException(long bytes)
        : base($"A quota of {bytes} bytes is not valid: give 0 (no quota) or more, or clear it to use the store's.")
    {
        Bytes = bytes;
    }

    [Id(0)] public long Bytes { get; private set; }

    public override bool IsBadInput => true;
}
