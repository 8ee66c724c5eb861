using Orleans.Profiles.Tests.EndToEnd;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>
/// A real silo process (local storage over a data folder) whose gateway agents reach only through a
/// <see cref="FaultProxy"/>: the silo advertises the proxy's port (<c>--gateway-port</c>) and binds
/// another one (<c>--gateway-listen-port</c>), which the proxy forwards to. The proxy outlives silo
/// restarts, so agents keep the same gateway address across crashes.
/// </summary>
public sealed class ProxiedSilo : IAsyncDisposable
{
    private static int _portProbe;
    private readonly IReadOnlyList<string> _siloArgs;

    private ProxiedSilo(FaultProxy proxy, SiloProcess silo, IReadOnlyList<string> siloArgs)
    {
        Proxy = proxy;
        Silo = silo;
        _siloArgs = siloArgs;
    }

    public FaultProxy Proxy { get; }

    public SiloProcess Silo { get; private set; }

    /// <summary>What agents pass as <c>--gateway</c>: the proxy.</summary>
    public string Gateway => Proxy.Endpoint;

    public string DataDirectory => Silo.DataDirectory;

    /// <summary>How many times the silo process was started (1 for the first).</summary>
    public int Starts { get; private set; } = 1;

    public static async Task<ProxiedSilo> StartAsync(string dataDirectory, params string[] extraArgs)
    {
        var listenPort = StablePort();
        var proxy = FaultProxy.Start(listenPort);
        try
        {
            string[] siloArgs = ["--gateway-listen-port", $"{listenPort}", .. extraArgs];
            var silo = await SiloProcess.StartAsync(dataDirectory, StablePort(), proxy.Port, StablePort(), siloArgs);
            return new ProxiedSilo(proxy, silo, siloArgs);
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL, then a new silo over the same data folder and ports (the proxy stays).</summary>
    public async Task CrashAndRestartAsync()
    {
        await KillAsync();
        await StartAgainAsync();
    }

    /// <summary>SIGKILL only: the silo stays down until <see cref="StartAgainAsync"/>.</summary>
    public async Task KillAsync()
    {
        Silo.Process.Kill();
        await Silo.Process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and wait for a clean stop (exit 0 expected), then a new silo over the same data and ports.</summary>
    public async Task<int> StopAndRestartAsync()
    {
        var exitCode = await Silo.Process.TerminateAsync();
        await StartAgainAsync();
        return exitCode;
    }

    /// <summary>Starts the silo again after <see cref="KillAsync"/> or a stop.</summary>
    public async Task StartAgainAsync()
    {
        var old = Silo;
        await old.DisposeAsync();
        Silo = await SiloProcess.StartAsync(old.DataDirectory, old.SiloPort, old.GatewayPort, old.HealthPort, _siloArgs);
        Starts++;
    }

    /// <summary>
    /// A free loopback port outside the kernel's ephemeral range. The silo's ports are bound again by
    /// every restarted silo: while it is down, an ephemeral port could be handed to an outgoing
    /// connection (or a connection to it could connect to itself), and the restart would fail.
    /// </summary>
    public static int StablePort()
    {
        const int first = 20000;
        var count = EphemeralLow() - first;
        if (count < 1000)
        {
            return Programs.FreePort();
        }

        // Spread the start over the range (per process and per call) so parallel test processes rarely probe the same ports.
        var start = (int)((uint)((Environment.ProcessId * 7919) + (Interlocked.Increment(ref _portProbe) * 104729)) % (uint)count);
        for (var i = 0; i < count; i++)
        {
            var port = first + ((start + i) % count);
            if (IsFree(port))
            {
                return port;
            }
        }

        return Programs.FreePort();
    }

    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}
