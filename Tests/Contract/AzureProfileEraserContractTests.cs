using Orleans.Profiles.AzureStorage;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

[Trait(TestCategory.Name, TestCategory.Contract)]
public sealed class AzureProfileEraserContractTests(AzuriteFixture azurite) : ProfileEraserContract, IClassFixture<AzuriteFixture>
{
    private readonly AzureTestStorage _storage = azurite.NewStorage();

    protected override IPackStore CreatePackStore() => _storage.NewPackStore();

    protected override IManifestStore CreateManifestStore() => _storage.NewManifestStore();

    protected override IProfileEraser CreateEraser() => new AzureProfileEraser(_storage.NewContainer());

    /// <summary>Every blob, those with only uncommitted blocks included.</summary>
    protected override Task<IReadOnlyList<string>> StoredObjectsAsync() => _storage.BlobNamesAsync();
}
