namespace Orleans.Profiles.Silo.Hosting;

/// <summary>The storage mode (configuration section <c>Storage</c>).</summary>
public sealed class StorageModeOptions
{
    public const string Section = "Storage";
    public const string LocalMode = "local";

    /// <summary><c>local</c>: grain state, packs and manifests as files under <c>DataDirectory</c>, one silo.</summary>
    public string Mode { get; set; } = LocalMode;
}
