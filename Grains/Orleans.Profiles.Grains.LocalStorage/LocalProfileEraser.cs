using Microsoft.Extensions.Options;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Local;

/// <summary>A profile's files under <c>profiles/{key}</c>, deleted one by one, then its folders.</summary>
public sealed class LocalProfileEraser(IOptions<LocalStorageOptions> options) : IProfileEraser
{
    private readonly LocalStorageOptions _options = options.Value;

    public Task<IReadOnlyList<string>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default)
    {
        var directory = _options.ProfileDirectory(profile);
        IReadOnlyList<string> files = Directory.Exists(directory) ? [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)] : [];
        return Task.FromResult(files);
    }

    public Task DeleteAsync(string item, CancellationToken cancellationToken = default)
    {
        try
        {
            File.Delete(item);
        }
        catch (DirectoryNotFoundException)
        {
            // Gone with its folder already.
        }

        return Task.CompletedTask;
    }

    public Task FinishAsync(ProfileKey profile, CancellationToken cancellationToken = default)
    {
        var directory = _options.ProfileDirectory(profile);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
            AtomicFile.FlushDirectory(Path.GetDirectoryName(directory)!);
        }

        return Task.CompletedTask;
    }
}
