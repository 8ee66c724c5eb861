namespace Orleans.Profiles.Storage;

public static class ProfileStorageNames
{
    /// <summary>The grain storage provider that holds profile state.</summary>
    public const string GrainState = "profiles";
}
