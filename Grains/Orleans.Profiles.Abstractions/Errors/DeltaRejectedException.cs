namespace Orleans.Profiles;

/// <summary>A delta that is malformed or does not rebuild to the hashes it claims: refused, and nothing was stored.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.DeltaRejectedException")]
public sealed class DeltaRejectedException : ProfileStoreException
{
    public DeltaRejectedException(string reason)
        : base($"The delta was refused: {reason}.")
    {
        Reason = reason;
    }

    [Id(0)] public string Reason { get; private set; }

    public override bool IsBadInput => true;
}
