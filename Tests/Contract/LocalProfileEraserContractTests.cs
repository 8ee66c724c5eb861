using Microsoft.Extensions.Options;
using Orleans.Profiles.Local;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

[Trait(TestCategory.Name, TestCategory.Contract)]
public sealed class LocalProfileEraserContractTests : ProfileEraserContract, IDisposable
{
    private readonly TempDirectory _data = new("eraser-contract");

    private IOptions<LocalStorageOptions> StorageOptions => Options.Create(new LocalStorageOptions { DataDirectory = _data.Path });

    public void Dispose() => _data.Dispose();

    protected override IPackStore CreatePackStore() => new LocalPackStore(StorageOptions);

    protected override IManifestStore CreateManifestStore() => new LocalManifestStore(StorageOptions);

    protected override IProfileEraser CreateEraser() => new LocalProfileEraser(StorageOptions);

    /// <summary>Folders too: an empty folder named for the profile is something of it left behind.</summary>
    protected override Task<IReadOnlyList<string>> StoredObjectsAsync()
        => Task.FromResult<IReadOnlyList<string>>([.. Directory.EnumerateFileSystemEntries(_data.Path, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(_data.Path, p)).Order(StringComparer.Ordinal)]);
}
