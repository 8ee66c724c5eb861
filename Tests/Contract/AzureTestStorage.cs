using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Orleans.Profiles.AzureStorage;

namespace Orleans.Profiles.Tests.Contract;

/// <summary>One test's container on Azurite: stores over it, and direct access to its blobs.</summary>
public sealed class AzureTestStorage(string connectionString, string container)
{
    public AzureStorageOptions Options => new() { ConnectionString = connectionString, Container = container };

    /// <summary>The container as the stores see it; a new one is what a restarted silo would build.</summary>
    public ProfileBlobContainer NewContainer() => new(Microsoft.Extensions.Options.Options.Create(Options));

    public AzurePackStore NewPackStore() => new(NewContainer());

    public AzureManifestStore NewManifestStore() => new(NewContainer());

    /// <summary>The container through the plain SDK, bypassing the stores.</summary>
    public BlobContainerClient Client => new(connectionString, container);

    /// <summary>Every blob of the container, those with only uncommitted blocks included, sorted by name.</summary>
    public async Task<IReadOnlyList<string>> BlobNamesAsync()
    {
        if (!await Client.ExistsAsync())
        {
            return [];
        }

        var names = new List<string>();
        await foreach (var blob in Client.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Uncommitted }))
        {
            names.Add(blob.Name);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }
}
