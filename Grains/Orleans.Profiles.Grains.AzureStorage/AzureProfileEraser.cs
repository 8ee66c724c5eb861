using Azure.Storage.Blobs.Models;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.AzureStorage;

/// <summary>A profile's blobs under the prefix <c>{key}/</c> (uncommitted ones too), deleted one by one.</summary>
public sealed class AzureProfileEraser(ProfileBlobContainer container) : IProfileEraser
{
    public async Task<IReadOnlyList<string>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var blob in (await container.GetAsync(cancellationToken)).GetBlobsAsync(BlobTraits.None, BlobStates.Uncommitted, $"{profile.StorageName}/", cancellationToken))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    public async Task DeleteAsync(string item, CancellationToken cancellationToken = default)
        => await (await container.GetAsync(cancellationToken)).GetBlobClient(item).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    // Blob prefixes are not folders: nothing holds the blobs.
    public Task FinishAsync(ProfileKey profile, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
