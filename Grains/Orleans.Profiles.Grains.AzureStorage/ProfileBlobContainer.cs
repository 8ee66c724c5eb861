using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.AzureStorage;

/// <summary>The blob container of packs and manifests, created once on first use.</summary>
public sealed class ProfileBlobContainer(IOptions<AzureStorageOptions> options)
{
    private readonly Lock _lock = new();
    private readonly BlobContainerClient _client = options.Value.CreateBlobServiceClient().GetBlobContainerClient(options.Value.Container);
    private Task? _created;

    /// <summary>
    /// The container, created if needed; a failed creation is tried again by the next call (storage may
    /// come back). The creation is shared by every caller and goes on retrying after one gives up: each
    /// caller waits for it only as long as its own <paramref name="cancellationToken"/> allows.
    /// </summary>
    public async Task<BlobContainerClient> GetAsync(CancellationToken cancellationToken = default)
    {
        Task created;
        lock (_lock)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                _created = _client.CreateIfNotExistsAsync();
            }

            created = _created;
        }

        await created.WaitAsync(cancellationToken);
        return _client;
    }

    public static string BlobName(ProfileKey profile, string kind, string name) => $"{profile.StorageName}/{kind}/{name}";
}
