using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Agent.Service;

/// <summary>Logs the service's start (with what it will do) and its stop.</summary>
public sealed class ServiceAnnouncer(RoamingUsers users, IHostLifetime lifetime, IOptions<AgentServiceOptions> options, ILogger<ServiceAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // Whether Windows gives a push in flight the pre-shutdown timeout (only under the service control manager).
        var preshutdown = OperatingSystem.IsWindows() && lifetime is Windows.ProfilesServiceLifetime { AcceptsPreshutdown: true };
        ServiceLog.Started(logger, settings.Machine, users.Resolve().Count, settings.SweepInterval, string.Join(", ", settings.Gateways), preshutdown);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        ServiceLog.Stopping(logger, options.Value.ShutdownTimeout);
        return Task.CompletedTask;
    }
}
