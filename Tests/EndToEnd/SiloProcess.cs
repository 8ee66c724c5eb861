namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>A real silo process on free loopback ports over a data folder; started means it said it is ready.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private SiloProcess(ChildProcess process, string dataDirectory, int siloPort, int gatewayPort)
    {
        Process = process;
        DataDirectory = dataDirectory;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public ChildProcess Process { get; }

    public string DataDirectory { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    public static Task<SiloProcess> StartAsync(string dataDirectory) => StartAsync(dataDirectory, Programs.FreePort(), Programs.FreePort());

    public static async Task<SiloProcess> StartAsync(string dataDirectory, int siloPort, int gatewayPort)
    {
        var process = ChildProcess.Start(Programs.SiloPath, ["--data", dataDirectory, "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}"]);
        try
        {
            await process.WaitForLineAsync(l => l.Contains("Orleans.Profiles silo ready", StringComparison.Ordinal), "the silo's ready line");
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new SiloProcess(process, dataDirectory, siloPort, gatewayPort);
    }

    /// <summary>Kills this silo (SIGKILL, no chance to flush anything) and starts a new one on the same data and ports.</summary>
    public async Task<SiloProcess> CrashAndRestartAsync()
    {
        Process.Kill();
        await Process.DisposeAsync();
        return await StartAsync(DataDirectory, SiloPort, GatewayPort);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
