using System.Net;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>A bare Orleans client of a silo's gateway, as a workstation service holds one: for figures that call grains directly.</summary>
public static class GatewayClient
{
    public static async Task<IHost> StartAsync(IPEndPoint gateway, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(gateway);
            client.Configure<ClusterOptions>(o => o.ClusterId = o.ServiceId = ProfileSyncOptions.DefaultClusterId);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }
}
