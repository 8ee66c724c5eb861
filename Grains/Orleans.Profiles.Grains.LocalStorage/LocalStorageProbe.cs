using Microsoft.Extensions.Options;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Local;

/// <summary>The local store answers when its data folder can be written.</summary>
public sealed class LocalStorageProbe(IOptions<LocalStorageOptions> options) : IStorageProbe
{
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var directory = options.Value.FullDataDirectory;
        Directory.CreateDirectory(directory);
        var probe = Path.Combine(directory, $".probe-{Guid.NewGuid():N}{AtomicFile.TemporarySuffix}");
        await File.WriteAllBytesAsync(probe, [1], cancellationToken);
        File.Delete(probe);
    }
}
