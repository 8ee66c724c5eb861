namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>
/// End-to-end tests that start their own silos (clusters, TLS, restarts, outages, tokens), one at a time; they
/// run beside the shared-silo collection, whose tests mostly wait on processes, so the two share the 2 cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OwnProcessesCollection
{
    public const string Name = "end-to-end, own processes";
}
