namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>The end-to-end tests that share one silo, run one at a time: each starts several real processes on a 2-core machine.</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "end-to-end";
}
