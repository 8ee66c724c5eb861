using Microsoft.Extensions.Options;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Local;

/// <summary>Manifests as files under <c>profiles/{key}/manifests</c>, each replaced atomically.</summary>
public sealed class LocalManifestStore(IOptions<LocalStorageOptions> options) : IManifestStore
{
    private readonly LocalStorageOptions _options = options.Value;

    public Task WriteAsync(ProfileKey profile, ManifestName name, ProfileManifest manifest, CancellationToken cancellationToken = default)
        => AtomicFile.WriteAllBytesAsync(PathOf(profile, name), ManifestCodec.Encode(manifest), cancellationToken);

    public async Task<ProfileManifest?> ReadAsync(ProfileKey profile, ManifestName name, CancellationToken cancellationToken = default)
    {
        try
        {
            return ManifestCodec.Decode(await File.ReadAllBytesAsync(PathOf(profile, name), cancellationToken));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task DeleteAsync(ProfileKey profile, ManifestName name, CancellationToken cancellationToken = default)
    {
        try
        {
            File.Delete(PathOf(profile, name));
        }
        catch (DirectoryNotFoundException)
        {
            // A profile that never stored a manifest has no folder: there is nothing to delete.
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ManifestName>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(_options.ProfileDirectory(profile), "manifests");
        IReadOnlyList<ManifestName> names = Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, "*.manifest").Select(f => new ManifestName(Path.GetFileNameWithoutExtension(f)))]
            : [];
        return Task.FromResult(names);
    }

    private string PathOf(ProfileKey profile, ManifestName name) => Path.Combine(_options.ProfileDirectory(profile), "manifests", $"{name}.manifest");
}
