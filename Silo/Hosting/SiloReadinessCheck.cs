using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Profiles.Storage;
using Orleans.Runtime;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>Ready means agents can be served: this silo is an active cluster member and its storage answers.</summary>
public sealed class SiloReadinessCheck(IClusterMembershipService membership, ILocalSiloDetails silo, IStorageProbe storage) : IHealthCheck
{
    public const string Tag = "ready";

    /// <summary>A probe must answer quickly: storage that needs longer to answer is not ready.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (status != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"the silo is {status}, not an active cluster member");
        }

        try
        {
            await storage.ProbeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"storage does not answer: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
        }

        return HealthCheckResult.Healthy($"active member of cluster, storage answers");
    }
}
