using Azure;
using Azure.Storage.Blobs.Models;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.AzureStorage;

/// <summary>Manifests as blobs under <c>{key}/manifests/</c>; a blob upload replaces the whole blob atomically.</summary>
public sealed class AzureManifestStore(ProfileBlobContainer container) : IManifestStore
{
    public async Task WriteAsync(ProfileKey profile, ManifestName name, ProfileManifest manifest, CancellationToken cancellationToken = default)
    {
        var blob = (await container.GetAsync()).GetBlobClient(BlobName(profile, name));
        await blob.UploadAsync(BinaryData.FromBytes(ManifestCodec.Encode(manifest)), overwrite: true, cancellationToken);
    }

    public async Task<ProfileManifest?> ReadAsync(ProfileKey profile, ManifestName name, CancellationToken cancellationToken = default)
    {
        var blob = (await container.GetAsync()).GetBlobClient(BlobName(profile, name));
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            return ManifestCodec.Decode(content.Value.Content.ToMemory().Span);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task DeleteAsync(ProfileKey profile, ManifestName name, CancellationToken cancellationToken = default)
        => await (await container.GetAsync()).GetBlobClient(BlobName(profile, name)).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<ManifestName>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default)
    {
        var names = new List<ManifestName>();
        await foreach (var blob in (await container.GetAsync()).GetBlobsAsync(BlobTraits.None, BlobStates.None, ProfileBlobContainer.BlobName(profile, "manifests", ""), cancellationToken))
        {
            names.Add(new ManifestName(Path.GetFileNameWithoutExtension(blob.Name)));
        }

        return names;
    }

    private static string BlobName(ProfileKey profile, ManifestName name) => ProfileBlobContainer.BlobName(profile, "manifests", $"{name}.manifest");
}
