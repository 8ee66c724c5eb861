namespace Orleans.Profiles.Tests.Faults;

/// <summary>Where the campaign's silo keeps its data, and so what a storage restart restarts.</summary>
public enum CampaignStorage
{
    /// <summary>Local storage over a data folder; a storage restart stops and restarts the silo over it.</summary>
    Local,

    /// <summary>Azure storage on a real Azurite process (persisting to disk); a storage restart restarts Azurite under a running silo.</summary>
    Azure,
}
