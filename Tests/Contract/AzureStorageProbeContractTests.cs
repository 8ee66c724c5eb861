using Orleans.Profiles.AzureStorage;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

/// <summary>Storage is gone when the class's Azurite is killed, and back when it starts again on the same folder and ports.</summary>
[Trait(TestCategory.Name, TestCategory.Contract)]
public sealed class AzureStorageProbeContractTests(AzuriteFixture azurite) : StorageProbeContract, IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly AzureTestStorage _storage = azurite.NewStorage();

    /// <summary>A test that failed with Azurite stopped does not take the next one down with it.</summary>
    public Task InitializeAsync() => azurite.StartAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected override IStorageProbe CreateProbe() => new AzureStorageProbe(_storage.NewContainer());

    protected override Task MakeStorageUnavailableAsync() => azurite.StopAsync();

    protected override Task RestoreStorageAsync() => azurite.StartAsync();

    /// <summary>
    /// Azurite refuses connections: the SDK gives up after the mode's few quick retries (under 1 s), with an error
    /// the silo reports as storage unavailable, unless the caller's deadline (2 s) ends the probe first.
    /// </summary>
    protected override void AssertUnavailable(Exception error)
        => Assert.True(error is OperationCanceledException || new AzureStorageFaults().Describe(error) == "Azure Storage did not answer", $"{error}");
}
