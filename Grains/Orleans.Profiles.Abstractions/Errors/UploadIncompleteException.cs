namespace Orleans.Profiles;

/// <summary>A commit before every chunk arrived; the current snapshot is unchanged and the upload can resume.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.UploadIncompleteException")]
public sealed class UploadIncompleteException : ProfileStoreException
{
    public UploadIncompleteException(Guid sessionId, int missingChunks)
        : base($"Upload session {sessionId:N} cannot commit: {missingChunks} chunk(s) have not arrived.")
    {
        SessionId = sessionId;
        MissingChunks = missingChunks;
    }

    [Id(0)] public Guid SessionId { get; private set; }

    [Id(1)] public int MissingChunks { get; private set; }

    public override bool IsBadInput => false;
}
