namespace Orleans.Profiles;

/// <summary>
/// The snapshot a delta upload is encoded against is no longer in the store (collected), so it cannot be
/// rebuilt there: the agent sends the whole manifest and full chunks instead.
/// </summary>
[GenerateSerializer, Alias("Orleans.Profiles.DeltaBaseUnavailableException")]
public sealed class DeltaBaseUnavailableException : ProfileStoreException
{
    public DeltaBaseUnavailableException(int baseSnapshot)
        : base($"Snapshot {baseSnapshot}, the base of the delta, is no longer in the store.")
    {
        BaseSnapshot = baseSnapshot;
    }

    [Id(0)] public int BaseSnapshot { get; private set; }

    public override bool IsBadInput => false;
}
