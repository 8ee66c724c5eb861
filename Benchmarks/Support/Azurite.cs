using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>Azurite from node_modules (package.json) on free loopback ports, for the Azure-mode figures and their raw-SDK baselines.</summary>
public sealed class Azurite : IAsyncDisposable
{
    private readonly AzuriteProcess _process;

    private Azurite(AzuriteProcess process) => _process = process;

    public string ConnectionString => _process.ConnectionString;

    /// <summary>The connection string with its blob endpoint on <paramref name="blobPort"/> (a counting proxy in front of Azurite).</summary>
    public string ConnectionStringThrough(int blobPort) => ConnectionString.Replace($"127.0.0.1:{_process.BlobPort}/", $"127.0.0.1:{blobPort}/", StringComparison.Ordinal);

    public int BlobPort => _process.BlobPort;

    public static async Task<Azurite> StartAsync(string location, TextWriter log, CancellationToken cancellationToken)
    {
        log.WriteLine($"starting Azurite in {location}");
        return new Azurite(await AzuriteProcess.StartAsync(location).WaitAsync(cancellationToken));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
