namespace Orleans.Profiles;

/// <summary>An administrative command for an account the store has no profile for; nothing changed.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.ProfileNotFoundException")]
public sealed class ProfileNotFoundException : ProfileStoreException
{
    public ProfileNotFoundException(string profile)
        : base($"The store has no profile \"{profile}\".")
    {
        Profile = profile;
    }

    [Id(0)] public string Profile { get; private set; }

    public override bool IsBadInput => true;
}
