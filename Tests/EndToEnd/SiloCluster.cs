using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>Azurite and three silo processes in azure mode, as deploy/local-cluster.sh runs them.</summary>
public sealed class SiloCluster : IAsyncDisposable
{
    // Short probes so a killed silo is declared dead in seconds rather than the production default.
    private static readonly string[] FastMembership =
    [
        "--Membership:ProbeTimeout=00:00:01", "--Membership:NumMissedProbesLimit=2", "--Membership:TableRefreshTimeout=00:00:02",
    ];

    private readonly TempDirectory _root = new("cluster");

    private SiloCluster()
    {
    }

    public AzuriteProcess Azurite { get; private set; } = null!;

    public List<SiloProcess> Silos { get; } = [];

    public string[] Gateways => [.. Silos.Select(s => s.Gateway)];

    public static async Task<SiloCluster> StartAsync(int silos = 3)
    {
        var cluster = new SiloCluster();
        try
        {
            cluster.Azurite = await AzuriteProcess.StartAsync(cluster._root.Combine("azurite"));
            cluster.Silos.AddRange(await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => SiloProcess.StartAsync(cluster._root.Path, cluster.SiloArgs))));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>The silo whose output says it began an upload for <paramref name="profile"/>: the one hosting that profile's grain.</summary>
    public async Task<SiloProcess> WaitForUploadHostAsync(string profile)
    {
        var marker = $"Profile {profile}: upload session";
        var seen = Silos.Select(s => s.Process.WaitForLineAsync(l => l.Contains(marker, StringComparison.Ordinal), $"{marker} on {s.Gateway}")).ToList();
        var first = await Task.WhenAny(seen);
        await first;
        return Silos[seen.IndexOf(first)];
    }

    /// <summary>Stops every silo (SIGTERM) and Azurite, then starts them again on the same data and ports.</summary>
    public async Task RestartEverythingAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.Process.TerminateAsync();
            await silo.DisposeAsync();
        }

        Azurite = await Azurite.RestartAsync();
        var restarted = await Task.WhenAll(Silos.Select(s => SiloProcess.StartAsync(_root.Path, s.SiloPort, s.GatewayPort, s.HealthPort, SiloArgs)));
        Silos.Clear();
        Silos.AddRange(restarted);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }

        _root.Dispose();
    }

    private string[] SiloArgs => ["--storage", "azure", "--azure-connection-string", Azurite.ConnectionString, .. FastMembership];
}
