using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

/// <summary>
/// One real Azurite process for a test class, persisting to its own folder so that it can be restarted
/// (a storage restart) or stopped and started again on the same ports (storage gone, then back).
/// Tests stay independent by each using its own container (<see cref="NewStorage"/>). Azurite failing
/// to start fails the tests, with its output in the error.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly TempDirectory _folder = new("azurite");
    private AzuriteProcess? _azurite;
    private (int Blob, int Queue, int Table) _ports;
    private string? _connectionString;

    /// <summary>The same for the fixture's lifetime: restarts keep the ports.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("Azurite never started.");

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync(_folder.Path);
        _ports = (_azurite.BlobPort, _azurite.QueuePort, _azurite.TablePort);
        _connectionString = _azurite.ConnectionString;
    }

    /// <summary>A fresh container on this Azurite, for one test.</summary>
    public AzureTestStorage NewStorage() => new(ConnectionString, $"c{Guid.NewGuid():N}");

    /// <summary>Stops Azurite cleanly and starts it again on the same folder and ports.</summary>
    public async Task RestartAsync()
    {
        var running = _azurite ?? throw new InvalidOperationException("Azurite is not running.");
        _azurite = null;
        _azurite = await running.RestartAsync();
    }

    /// <summary>
    /// Stops Azurite (cleanly: killed, it loses what it had not yet saved, which a storage account
    /// never does): storage is gone, as when the storage account is unreachable.
    /// </summary>
    public async Task StopAsync()
    {
        if (_azurite is { } running)
        {
            _azurite = null;
            await running.Process.TerminateAsync();
            await running.DisposeAsync();
        }
    }

    /// <summary>Starts Azurite again, on the same folder and ports, if it is stopped.</summary>
    public async Task StartAsync()
        => _azurite ??= await AzuriteProcess.StartAsync(_folder.Path, _ports.Blob, _ports.Queue, _ports.Table);

    public async Task DisposeAsync()
    {
        await StopAsync();
        _folder.Dispose();
    }
}
