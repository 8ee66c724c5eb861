using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Profiles.Benchmarks.Support;
using Orleans.Profiles.Tests.EndToEnd;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// What one gateway holds for the workstations connected to it: the silo's resident memory per connected Orleans client
/// holding a commit subscription (as every workstation service does all day), and how fast a crowd of them connects at
/// once (after a silo restart, or at 9 a.m.), beside the same silo with a single client.
/// </summary>
public sealed class GatewayConnectionsFigure : IFigure
{
    private const int MaxClients = 500;

    public string Name => "connections";

    public string Title => "Gateway connections: silo memory per connected workstation, and a crowd connecting at once";

    public int Order => 82;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var clients = Math.Min(context.Settings.Users ?? MaxClients, context.Settings.Quick ? 100 : MaxClients);
        await using var silo = await SiloProcess.StartAsync(context.NewDirectory("connections-silo"));
        var gateway = new IPEndPoint(IPAddress.Loopback, silo.GatewayPort);
        var hosts = new List<IHost>();
        var observers = new List<Observer>();
        try
        {
            // The baseline: the silo with one workstation connected and subscribed, its first activations done.
            hosts.Add(await ConnectAsync(gateway, 0, observers, cancellationToken));
            var baseline = ResidentBytes(silo.Process.Id);

            var clock = Stopwatch.StartNew();
            hosts.AddRange(await Task.WhenAll(Enumerable.Range(1, clients).Select(i => ConnectAsync(gateway, i, observers, cancellationToken))));
            var connected = clock.Elapsed;
            var loaded = ResidentBytes(silo.Process.Id);
            var perClient = (loaded - baseline) / (double)clients;
            context.Log.WriteLine($"connections: {clients} clients in {connected.TotalSeconds:0.0} s, {perClient / 1024:0.0} KiB of silo memory each");

            GC.KeepAlive(observers);
            return new FigureReport(this)
                .Table(["workstations connected", "silo resident memory: one / all", "per connected workstation", "all connecting at once: time", "connections per second"],
                    [[Number(clients), $"{Bytes(baseline)} / {Bytes(loaded)}", Bytes((long)perClient), Ms(connected), Number(clients / connected.TotalSeconds)]])
                .Paragraph($"One local-mode silo process; {Number(clients)} Orleans clients in this process, each its own connection to the gateway (as each workstation service is), "
                    + "each holding a commit subscription to its own profile (a profile grain's subscription record and an observer reference on the silo). "
                    + "Resident memory is the silo's VmRSS (Linux /proc), read with one client connected (the baseline, same run) and then with all of them; "
                    + "the difference over the number of clients is what a gateway pays per workstation (socket buffers, the connection's message pipeline, the client's registration in the directory, the subscription grain).");
        }
        finally
        {
            await Task.WhenAll(hosts.Select(async h =>
            {
                await h.StopAsync(CancellationToken.None);
                h.Dispose();
            }));
        }
    }

    private static async Task<IHost> ConnectAsync(IPEndPoint gateway, int index, List<Observer> observers, CancellationToken cancellationToken)
    {
        var host = await GatewayClient.StartAsync(gateway, cancellationToken);
        var factory = host.Services.GetRequiredService<IClusterClient>();
        var observer = new Observer();
        lock (observers)
        {
            observers.Add(observer);
        }

        var profile = ProfileKey.Parse($@"CONTOSO\ws{index:00000}");
        await factory.GetGrain<IProfileSubscriptionsGrain>(profile.Value).Subscribe($"WS-{index:00000}", factory.CreateObjectReference<IProfileCommitObserver>(observer));
        return host;
    }

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    private sealed class Observer : IProfileCommitObserver
    {
        public Task Committed(ProfileCommitted commit) => Task.CompletedTask;
    }
}
