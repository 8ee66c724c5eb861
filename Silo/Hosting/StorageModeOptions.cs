namespace Orleans.Profiles.Silo.Hosting;

/// <summary>The storage mode (configuration section <c>Storage</c>).</summary>
public sealed class StorageModeOptions
{
    public const string Section = "Storage";
    public const string LocalMode = "local";
    public const string AzureMode = "azure";

    /// <summary>
    /// <c>local</c>: grain state, packs and manifests as files under <c>DataDirectory</c>, one silo on loopback.
    /// <c>azure</c>: Azure blobs and an Azure membership table (section <c>Storage:Azure</c>), a cluster of silos.
    /// </summary>
    public string Mode { get; set; } = LocalMode;
}
