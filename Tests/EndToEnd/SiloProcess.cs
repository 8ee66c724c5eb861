namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>A real silo process on free loopback ports over a data folder; started means it said it is ready.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _extraArgs;

    private readonly IReadOnlyDictionary<string, string>? _environment;

    private SiloProcess(ChildProcess process, string dataDirectory, int siloPort, int gatewayPort, int healthPort, IReadOnlyList<string> extraArgs, IReadOnlyDictionary<string, string>? environment)
    {
        _environment = environment;
        Process = process;
        DataDirectory = dataDirectory;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HealthPort = healthPort;
        _extraArgs = extraArgs;
    }

    public ChildProcess Process { get; }

    public string DataDirectory { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int HealthPort { get; }

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    public Uri HealthUri => new($"http://127.0.0.1:{HealthPort}/");

    public static Task<SiloProcess> StartAsync(string dataDirectory, params string[] extraArgs)
        => StartAsync(dataDirectory, Programs.FreePort(), Programs.FreePort(), Programs.FreePort(), extraArgs);

    public static async Task<SiloProcess> StartAsync(string dataDirectory, int siloPort, int gatewayPort, int healthPort, IReadOnlyList<string> extraArgs, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = ChildProcess.Start(Programs.SiloPath, [
            "--data", dataDirectory, "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}", "--health-port", $"{healthPort}", .. extraArgs],
            environment: environment);
        try
        {
            await process.WaitForLineAsync(l => l.Contains("Orleans.Profiles silo ready", StringComparison.Ordinal), "the silo's ready line");
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new SiloProcess(process, dataDirectory, siloPort, gatewayPort, healthPort, extraArgs, environment);
    }

    /// <summary>Kills this silo (SIGKILL, no chance to flush anything) and starts a new one on the same data and ports.</summary>
    public async Task<SiloProcess> CrashAndRestartAsync()
    {
        Process.Kill();
        await Process.DisposeAsync();
        return await StartAsync(DataDirectory, SiloPort, GatewayPort, HealthPort, _extraArgs, _environment);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
