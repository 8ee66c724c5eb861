namespace Orleans.Profiles.Local;

/// <summary>The local storage mode: grain state, packs and manifests as files under one data folder.</summary>
public sealed class LocalStorageOptions
{
    public const string DefaultDataDirectory = "profiles-data";

    /// <summary>The data folder; relative paths are resolved against the working directory at start.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>The absolute path of <see cref="DataDirectory"/>.</summary>
    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    /// <summary>The folder that holds one profile's packs, staging files and manifests.</summary>
    public string ProfileDirectory(ProfileKey profile) => Path.Combine(FullDataDirectory, "profiles", profile.StorageName);

    public string GrainStateDirectory => Path.Combine(FullDataDirectory, "grain-state");
}
