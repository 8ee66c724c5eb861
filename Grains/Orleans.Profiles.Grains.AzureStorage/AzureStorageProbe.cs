using Orleans.Profiles.Storage;

namespace Orleans.Profiles.AzureStorage;

/// <summary>Azure storage answers when the profile container's properties can be read.</summary>
public sealed class AzureStorageProbe(ProfileBlobContainer container) : IStorageProbe
{
    public async Task ProbeAsync(CancellationToken cancellationToken)
        => await (await container.GetAsync(cancellationToken)).GetPropertiesAsync(cancellationToken: cancellationToken);
}
