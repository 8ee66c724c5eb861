using System.Text.Json;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Faults;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>
/// A local-mode silo process that agents reach only through a counting loopback proxy, and agent processes
/// run against it as a logon or logoff script would: each run's bytes on the wire, both ways, are the
/// proxy's counts around it, read once the agent has exited and its connection has closed.
/// </summary>
public sealed class MeteredStore : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(30);
    private readonly ProxiedSilo _silo;

    private MeteredStore(ProxiedSilo silo) => _silo = silo;

    public static async Task<MeteredStore> StartAsync(string dataDirectory)
        => new(await ProxiedSilo.StartAsync(dataDirectory));

    /// <summary>
    /// Runs <c>profiles-agent ARGS --gateway PROXY --state-dir STATE --json</c> to a successful end and
    /// returns what crossed the proxy meanwhile, with the agent's JSON result.
    /// </summary>
    public async Task<(Traffic Bytes, JsonElement Result)> RunAgentAsync(string stateDirectory, params string[] args)
    {
        var before = Traffic.Of(_silo.Proxy);
        await using var agent = ChildProcess.Start(Programs.AgentPath, [.. args, "--gateway", _silo.Gateway, "--state-dir", stateDirectory, "--json"]);
        var exitCode = await agent.WaitForExitAsync();
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"profiles-agent {string.Join(' ', args)} exited {exitCode}:\n{agent.StandardOutput}\n{agent.StandardError}");
        }

        await _silo.Proxy.WhenConnectionsClosedAsync().WaitAsync(CloseTimeout);
        return (Traffic.Of(_silo.Proxy) - before, JsonDocument.Parse(agent.StandardOutput).RootElement.Clone());
    }

    public ValueTask DisposeAsync() => _silo.DisposeAsync();
}
