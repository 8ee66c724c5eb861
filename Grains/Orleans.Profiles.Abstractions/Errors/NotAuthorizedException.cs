namespace Orleans.Profiles;

/// <summary>A call without a valid token, or with a token that does not reach this profile or method; nothing changed.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.NotAuthorizedException")]
public sealed class NotAuthorizedException : ProfileStoreException
{
    public NotAuthorizedException(string reason)
        : base($"Not authorised: {reason}.")
    {
        Reason = reason;
    }

    [Id(0)] public string Reason { get; private set; }

    public override bool IsBadInput => false;
}
