using Orleans.Profiles.Tests.EndToEnd;

namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// A real Azurite process (the npm package pinned in package.json, installed by test.sh) on free
/// loopback ports, persisting to a folder so a restart keeps its data, as a storage account would.
/// Given a certificate it serves HTTPS and accepts Entra ID bearer tokens (<c>--oauth basic</c>: a JWT
/// whose issuer is Entra's and whose audience is Azure Storage, its signature unchecked).
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    // Azurite's well-known development account; public, and only ever used against 127.0.0.1.
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private AzuriteProcess(ChildProcess process, string location, int blobPort, int queuePort, int tablePort, AzuriteTls? tls)
    {
        Process = process;
        Tls = tls;
        Location = location;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public ChildProcess Process { get; }

    public string Location { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>The certificate Azurite serves HTTPS and OAuth with, or null: plain HTTP, account key only.</summary>
    public AzuriteTls? Tls { get; }

    private string Scheme => Tls is null ? "http" : "https";

    public string ConnectionString
        => $"DefaultEndpointsProtocol={Scheme};AccountName={Account};AccountKey={Key};"
           + $"BlobEndpoint={BlobServiceUri};QueueEndpoint={Scheme}://127.0.0.1:{QueuePort}/{Account};TableEndpoint={TableServiceUri};";

    /// <summary>The account's blob endpoint, as <c>Storage:Azure:ServiceUri</c> takes it.</summary>
    public Uri BlobServiceUri => new($"{Scheme}://127.0.0.1:{BlobPort}/{Account}");

    /// <summary>The account's table endpoint, as <c>Storage:Azure:TableServiceUri</c> takes it.</summary>
    public Uri TableServiceUri => new($"{Scheme}://127.0.0.1:{TablePort}/{Account}");

    public static Task<AzuriteProcess> StartAsync(string location, AzuriteTls? tls = null)
        => StartAsync(location, Programs.FreePort(), Programs.FreePort(), Programs.FreePort(), tls);

    public static async Task<AzuriteProcess> StartAsync(string location, int blobPort, int queuePort, int tablePort, AzuriteTls? tls = null)
    {
        var azurite = Path.Combine(Programs.RepositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(azurite))
        {
            throw new FileNotFoundException($"Azurite is not installed ({azurite}): run ./test.sh, which installs it with 'npm ci'.");
        }

        var process = ChildProcess.StartProgram("node", [
            azurite, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--location", location,
            "--blobHost", "127.0.0.1", "--blobPort", $"{blobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queuePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{tablePort}",
            .. tls is null ? Array.Empty<string>() : ["--oauth", "basic", "--cert", tls.CertificatePem, "--key", tls.KeyPem]]);
        try
        {
            await process.WaitForLineAsync(l => l.Contains("Table service is successfully listening", StringComparison.Ordinal), "Azurite's table service");
            await process.WaitForLineAsync(l => l.Contains("Blob service is successfully listening", StringComparison.Ordinal), "Azurite's blob service");
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new AzuriteProcess(process, location, blobPort, queuePort, tablePort, tls);
    }

    /// <summary>Stops Azurite and starts it again on the same folder and ports: a storage restart.</summary>
    public async Task<AzuriteProcess> RestartAsync()
    {
        await Process.TerminateAsync();
        await Process.DisposeAsync();
        return await StartAsync(Location, BlobPort, QueuePort, TablePort, Tls);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
