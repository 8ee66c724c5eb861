namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// The test tiers, as values of the xunit trait <c>Category</c>: <c>./test.sh --filter Category=Unit</c>
/// runs the fast tier alone. Every test class carries exactly one.
/// </summary>
public static class TestCategory
{
    public const string Name = "Category";

    /// <summary>Pure code: no cluster, no process, no network; seconds for the whole tier.</summary>
    public const string Unit = "Unit";

    /// <summary>Grains in the in-process test cluster.</summary>
    public const string Grain = "Grain";

    /// <summary>A storage implementation against its contract (local folders, real Azurite).</summary>
    public const string Contract = "Contract";

    /// <summary>Real silo and agent processes.</summary>
    public const string EndToEnd = "EndToEnd";

    /// <summary>Faults injected into real processes: cut connections, killed silos, storage outages.</summary>
    public const string Faults = "Faults";
}
