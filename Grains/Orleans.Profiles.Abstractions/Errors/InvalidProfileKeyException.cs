namespace Orleans.Profiles;

/// <summary>An account name that cannot name a profile (empty, control characters, extra separators, too long).</summary>
[GenerateSerializer, Alias("Orleans.Profiles.InvalidProfileKeyException")]
public sealed class InvalidProfileKeyException : ProfileStoreException
{
    public InvalidProfileKeyException(string account, string reason)
        : base($"Invalid profile key \"{account}\": {reason}.")
    {
        Account = account;
        Reason = reason;
    }

    [Id(0)] public string Account { get; private set; }

    [Id(1)] public string Reason { get; private set; }

    public override bool IsBadInput => true;
}
