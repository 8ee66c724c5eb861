using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

[Trait(TestCategory.Name, TestCategory.Contract)]
public sealed class AzurePackStoreContractTests(AzuriteFixture azurite) : PackStoreContract, IClassFixture<AzuriteFixture>
{
    private readonly AzureTestStorage _storage = azurite.NewStorage();

    protected override IPackStore CreateStore() => _storage.NewPackStore();

    protected override Task<IReadOnlyList<string>> StoredObjectsAsync() => _storage.BlobNamesAsync();

    /// <summary>The batch's block staged in the pack blob, and the crash before its staging index record.</summary>
    protected override Task TearStageAsync(ProfileKey profile, Guid session, IReadOnlyList<ChunkPayload> batch)
        => AzureStaging.StageBlockOnlyAsync(_storage, profile, session, batch);
}
