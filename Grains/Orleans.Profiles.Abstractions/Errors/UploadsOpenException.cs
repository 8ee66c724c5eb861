namespace Orleans.Profiles;

/// <summary>A delete refused because the profile has uploads open (a logoff may be pushing); nothing changed.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.UploadsOpenException")]
public sealed class UploadsOpenException : ProfileStoreException
{
    public UploadsOpenException(string profile)
        : base($"Profile \"{profile}\" has uploads open: a machine may be pushing it; nothing was deleted (--force deletes anyway).")
    {
        Profile = profile;
    }

    [Id(0)] public string Profile { get; private set; }

    public override bool IsBadInput => false;
}
