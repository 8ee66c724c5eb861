namespace Orleans.Profiles.Storage;

/// <summary>Where manifests live: one blob per snapshot, and one per open upload session.</summary>
public interface IManifestStore
{
    /// <summary>Writes a manifest atomically: readers see the old one or the new one, never a part.</summary>
    Task WriteAsync(ProfileKey profile, ManifestName name, ProfileManifest manifest, CancellationToken cancellationToken = default);

    /// <summary>Reads a manifest, or null when there is none.</summary>
    /// <exception cref="InvalidManifestException">The stored manifest is damaged.</exception>
    Task<ProfileManifest?> ReadAsync(ProfileKey profile, ManifestName name, CancellationToken cancellationToken = default);

    Task DeleteAsync(ProfileKey profile, ManifestName name, CancellationToken cancellationToken = default);

    /// <summary>The names of every manifest this profile has in storage.</summary>
    Task<IReadOnlyList<ManifestName>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default);
}
