using Orleans.Hosting;

namespace Orleans.Profiles.Tests.Support;

/// <summary>A test class with its own one-silo cluster, configured for it, on a fresh data folder deleted at the end.</summary>
public abstract class ProfileStoreTestBase(Action<ProfileStoreOptions>? configure = null, TimeProvider? time = null, Action<ISiloBuilder>? configureSilo = null) : IAsyncLifetime
{
    protected TempDirectory Data { get; } = new("grains");

    protected ProfileStoreCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await ProfileStoreCluster.StartAsync(Data.Path, time, configure, configureSilo);

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Data.Dispose();
    }
}
