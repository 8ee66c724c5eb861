namespace Orleans.Profiles;

/// <summary>A put or commit for a session the profile does not know; beginning the upload again recovers.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.UploadSessionNotFoundException")]
public sealed class UploadSessionNotFoundException : ProfileStoreException
{
    public UploadSessionNotFoundException(Guid sessionId)
        : base($"Upload session {sessionId:N} is not open (never begun, aborted, expired or committed by another request): begin the upload again.")
    {
        SessionId = sessionId;
    }

    [Id(0)] public Guid SessionId { get; private set; }

    public override bool IsBadInput => false;
}
