using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Orleans.Profiles.Sync;

/// <summary>
/// An Orleans client connection that survives lost gateways: a call that fails for a network
/// reason is retried with exponential backoff on a fresh connection, up to the configured attempts.
/// Only idempotent grain calls go through it, so a retry after a lost reply is safe.
/// </summary>
public sealed partial class StoreConnection(ProfileSyncOptions options, ILoggerFactory loggerFactory, TimeProvider time) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<StoreConnection>();
    // Calls run concurrently (a service renews subscriptions while it pulls): one of them connects, the others wait for it.
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private volatile IHost? _host;
    private bool _connectedBefore;

    /// <summary>
    /// The connection was made again (a new client after a lost one) or lost a gateway: what a silo holds for
    /// this client (commit subscriptions) may be gone with it.
    /// </summary>
    public event Action? Reconnected;

    public async Task<T> CallAsync<T>(Func<IGrainFactory, Task<T>> call, CancellationToken cancellationToken)
    {
        var backoff = options.InitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            IHost? host = null;
            try
            {
                host = await ConnectAsync(cancellationToken);
                return await call(host.Services.GetRequiredService<IClusterClient>()).WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                await ResetAsync(host);
                if (attempt >= options.MaxAttempts)
                {
                    throw new StoreUnreachableException(StorageFault(ex) is { } storage
                        ? $"{storage.Message} Gave up after {attempt} attempts."
                        : $"The profile store did not answer after {attempt} attempts ({Describe(ex)}).", ex);
                }

                LogRetrying(_logger, attempt, options.MaxAttempts, backoff, Describe(ex));
                await Task.Delay(backoff, time, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxBackoff.Ticks));
            }
        }
    }

    public Task CallAsync(Func<IGrainFactory, Task> call, CancellationToken cancellationToken)
        => CallAsync(async factory =>
        {
            await call(factory);
            return true;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await ResetAsync(_host);
        _connecting.Dispose();
    }

    private async Task<IHost> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_host is { } connected)
        {
            return connected;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            return _host ?? await StartClientAsync(cancellationToken);
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task<IHost> StartClientAsync(CancellationToken cancellationToken)
    {
        var tls = GatewayTls.For(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(loggerFactory);
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering([.. options.Gateways]);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
            tls?.Configure(client);
            if (options.Token is { Length: > 0 } token)
            {
                client.AddOutgoingGrainCallFilter(new TokenCallFilter(token));
            }

            client.AddGatewayCountChangedHandler((_, e) =>
            {
                if (e.ConnectionRecovered || e.NumberOfConnectedGateways < e.PreviousNumberOfConnectedGateways)
                {
                    Reconnected?.Invoke();
                }
            });
        });

        // The client keeps trying an unreachable gateway until cancelled: bound each connection attempt.
        var host = builder.Build();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.ResponseTimeout);
        using var onTlsFailure = tls?.CancelWhenEveryGatewayFails(attempt);
        try
        {
            await host.StartAsync(attempt.Token);
        }
        catch (Exception ex)
        {
            await DisposeHostAsync(host);
            tls?.ThrowIfHandshakeFailed(ex, cancellationToken);
            // Orleans reports a start cut short by our deadline as OrleansLifecycleCanceledException, not as a cancellation.
            if (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no gateway of {string.Join(", ", options.Gateways)} answered within {options.ResponseTimeout.TotalSeconds:0.#} s", ex);
            }

            throw;
        }

        _host = host;
        if (_connectedBefore)
        {
            Reconnected?.Invoke();
        }

        _connectedBefore = true;
        return host;
    }

    /// <summary>Drops <paramref name="failed"/> if it is still the connection: a call that failed on an older one leaves a newer one alone.</summary>
    private async Task ResetAsync(IHost? failed)
    {
        if (failed is null)
        {
            return;
        }

        await _connecting.WaitAsync();
        try
        {
            if (_host != failed)
            {
                return;
            }

            _host = null;
        }
        finally
        {
            _connecting.Release();
        }

        await DisposeHostAsync(failed);
    }

    private static async Task DisposeHostAsync(IHost host)
    {
        // A client whose gateways are gone cannot close gracefully: do not wait for it.
        using var abandon = new CancellationTokenSource(TimeSpan.Zero);
        try
        {
            await host.StopAsync(abandon.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException || IsTransient(ex))
        {
        }

        host.Dispose();
    }

    /// <summary>Failures of the network, of a silo or of its storage, not of the request: worth retrying elsewhere or later.</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        StorageUnavailableException => true,
        ProfileStoreException => false,
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException or OrleansLifecycleCanceledException => true,
        TimeoutException or SocketException or IOException => true,
        OrleansException when ex.InnerException is { } inner => IsTransient(inner),
        AggregateException { InnerExceptions: [var single] } => IsTransient(single),
        _ => false,
    };

    private static string Describe(Exception ex) => StorageFault(ex)?.Message ?? $"{ex.GetType().Name}: {ex.Message.Split('\n')[0].Trim()}";

    /// <summary>The silo's own report that its storage failed, inside the wrappers Orleans adds (a state read fails as "Error from storage provider").</summary>
    private static StorageUnavailableException? StorageFault(Exception ex)
        => StorageFaults.Find(ex, static e => e is StorageUnavailableException) as StorageUnavailableException;

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "Store call failed (attempt {Attempt} of {MaxAttempts}), retrying in {Backoff}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int attempt, int maxAttempts, TimeSpan backoff, string reason);
}
