using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Orleans.Profiles.Tests.Support;

/// <summary>A one-silo in-process cluster running the profile store on local storage in <see cref="DataDirectory"/>.</summary>
public sealed class ProfileStoreCluster : IAsyncDisposable
{
    private ProfileStoreCluster(InProcessTestCluster cluster, string dataDirectory)
    {
        Cluster = cluster;
        DataDirectory = dataDirectory;
    }

    public InProcessTestCluster Cluster { get; }

    public string DataDirectory { get; }

    public IClusterClient Client => Cluster.Client;

    /// <param name="configureSilo">Runs after the store is added, so it can replace the store's services.</param>
    public static async Task<ProfileStoreCluster> StartAsync(
        string dataDirectory,
        TimeProvider? time = null,
        Action<ProfileStoreOptions>? configure = null,
        Action<ISiloBuilder>? configureSilo = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            if (time is not null)
            {
                silo.Services.AddSingleton(time);
            }

            silo.AddProfileStore(configure).UseLocalProfileStorage(o => o.DataDirectory = dataDirectory);
            configureSilo?.Invoke(silo);
        });
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new ProfileStoreCluster(cluster, dataDirectory);
    }

    /// <summary>A service of the (first) silo.</summary>
    public T SiloService<T>()
        where T : notnull
        => Cluster.Silos[0].ServiceProvider.GetRequiredService<T>();

    public IProfileGrain Profile(ProfileKey key) => Client.GetProfile(key);

    public IProfileUploadGrain Upload(ProfileKey key) => Client.GetProfileUpload(key);

    public IChunkReaderGrain Reader(ProfileKey key) => Client.GetChunkReader(key);

    /// <summary>The folder that holds the profile's packs, staging files and manifests.</summary>
    public string ProfileDirectory(ProfileKey key) => Path.Combine(DataDirectory, "profiles", key.StorageName);

    /// <summary>The staging file of an open upload session.</summary>
    public string StagingFile(ProfileKey key, Guid sessionId) => Path.Combine(ProfileDirectory(key), "staging", $"{sessionId:N}.stage");

    /// <summary>The pack of a committed upload session.</summary>
    public string PackFile(ProfileKey key, Guid sessionId) => Path.Combine(ProfileDirectory(key), "packs", $"{sessionId:N}.pack");

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
