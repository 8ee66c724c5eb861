using Orleans.Profiles.AzureStorage;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

[Trait(TestCategory.Name, TestCategory.Contract)]
public sealed class AzureManifestStoreContractTests(AzuriteFixture azurite) : ManifestStoreContract, IClassFixture<AzuriteFixture>
{
    private readonly AzureTestStorage _storage = azurite.NewStorage();

    protected override IManifestStore CreateStore() => _storage.NewManifestStore();

    /// <summary>Downloads the blob and uploads it again, damaged, through the plain SDK.</summary>
    protected override async Task CorruptAsync(ProfileKey profile, ManifestName name, Func<byte[], byte[]> damage)
    {
        var blob = _storage.Client.GetBlobClient(ProfileBlobContainer.BlobName(profile, "manifests", $"{name}.manifest"));
        var bytes = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        await blob.UploadAsync(BinaryData.FromBytes(damage(bytes)), overwrite: true);
    }
}
