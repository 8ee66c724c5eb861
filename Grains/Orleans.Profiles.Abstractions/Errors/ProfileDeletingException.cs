namespace Orleans.Profiles;

/// <summary>A call to a profile an administrator is deleting: nothing of it can be read or written until the delete finishes (run it again if it stopped).</summary>
[GenerateSerializer, Alias("Orleans.Profiles.ProfileDeletingException")]
public sealed class ProfileDeletingException : ProfileStoreException
{
    public ProfileDeletingException(string profile)
        : base($"Profile \"{profile}\" is being deleted: nothing of it can be read or written; 'admin delete' run again finishes it.")
    {
        Profile = profile;
    }

    [Id(0)] public string Profile { get; private set; }

    public override bool IsBadInput => false;
}
