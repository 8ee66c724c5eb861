namespace Orleans.Profiles;

/// <summary>A chunk whose bytes do not match its SHA-256, or that the upload session did not ask for.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.ChunkRejectedException")]
public sealed class ChunkRejectedException : ProfileStoreException
{
    public ChunkRejectedException(ContentHash hash, string reason)
        : base($"Chunk {hash} was refused: {reason}.")
    {
        Hash = hash;
        Reason = reason;
    }

    [Id(0)] public ContentHash Hash { get; private set; }

    [Id(1)] public string Reason { get; private set; }

    public override bool IsBadInput => true;
}
