namespace Orleans.Profiles.Tests.Faults;

/// <summary>
/// Fault-injection tests start their own silo, proxy and agents and depend on when things happen:
/// they run alone, after the parallel collections, so the 2-core machine is not shared with other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection
{
    public const string Name = "faults";
}
