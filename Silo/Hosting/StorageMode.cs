namespace Orleans.Profiles.Silo.Hosting;

/// <summary>Where the store keeps its data (<c>Storage:Mode</c>, <c>--storage</c>; any letter case).</summary>
public enum StorageMode
{
    /// <summary>Grain state, packs and manifests as files under <c>Storage:DataDirectory</c>, one silo on loopback.</summary>
    Local,

    /// <summary>Azure blobs and an Azure membership table (section <c>Storage:Azure</c>), a cluster of silos.</summary>
    Azure,
}
