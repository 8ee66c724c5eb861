namespace Orleans.Profiles.Admin;

[GenerateSerializer, Alias("Orleans.Profiles.Admin.ProfileDirectoryPartitionState")]
public sealed class ProfileDirectoryPartitionState
{
    /// <summary>By normalised account.</summary>
    [Id(0)] public Dictionary<string, ProfileListing> Profiles { get; set; } = new(StringComparer.Ordinal);
}
