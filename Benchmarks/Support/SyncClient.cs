using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>
/// The agent's Sync library in this process: one Orleans client (a <see cref="StoreConnection"/>) of one workstation,
/// shared by every user the figure gives it, so a figure measures transfers, not process start-up.
/// </summary>
public sealed class SyncClient : IAsyncDisposable
{
    private readonly StoreConnection _connection;

    public SyncClient(IPEndPoint gateway, string machine, string stateDirectory, string clusterId = ProfileSyncOptions.DefaultClusterId)
    {
        var options = new ProfileSyncOptions { Gateways = [gateway], ClusterId = clusterId, Machine = machine, StateDirectory = stateDirectory };
        _connection = new StoreConnection(options, NullLoggerFactory.Instance, TimeProvider.System);
        Sync = new ProfileSyncClient(_connection, options, TimeProvider.System, NullLogger<ProfileSyncClient>.Instance);
    }

    public ProfileSyncClient Sync { get; }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
