using Microsoft.Extensions.Options;
using Orleans.Profiles.Local;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

[Trait(TestCategory.Name, TestCategory.Contract)]
public sealed class LocalManifestStoreContractTests : ManifestStoreContract, IDisposable
{
    private readonly TempDirectory _data = new("manifest-contract");

    private LocalStorageOptions StorageOptions => new() { DataDirectory = _data.Path };

    public void Dispose() => _data.Dispose();

    protected override IManifestStore CreateStore() => new LocalManifestStore(Options.Create(StorageOptions));

    protected override async Task CorruptAsync(ProfileKey profile, ManifestName name, Func<byte[], byte[]> damage)
    {
        var path = Path.Combine(StorageOptions.ProfileDirectory(profile), "manifests", $"{name}.manifest");
        await File.WriteAllBytesAsync(path, damage(await File.ReadAllBytesAsync(path)));
    }
}
