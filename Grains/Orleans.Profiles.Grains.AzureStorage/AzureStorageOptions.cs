namespace Orleans.Profiles.AzureStorage;

/// <summary>The azure storage mode (configuration section <c>Storage:Azure</c>).</summary>
public sealed class AzureStorageOptions
{
    public const string DefaultContainer = "orleans-profiles";
    public const string DefaultStateContainer = "orleans-profiles-state";
    public const string DefaultClusteringTable = "OrleansProfilesSilos";

    /// <summary>The storage account's connection string; a secret, never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob container of packs and manifests.</summary>
    public string Container { get; set; } = DefaultContainer;

    /// <summary>The blob container of grain state.</summary>
    public string StateContainer { get; set; } = DefaultStateContainer;

    /// <summary>The table silos use for membership.</summary>
    public string ClusteringTable { get; set; } = DefaultClusteringTable;
}
