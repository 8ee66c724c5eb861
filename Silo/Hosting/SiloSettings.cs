using System.Net;
using Orleans.Profiles.Security;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>
/// The settings the host is built from (ports, storage mode, TLS, whether tokens are required), read once by
/// <see cref="SiloSettingsHostingExtensions.AddSiloSettings"/> and already checked.
/// </summary>
public sealed class SiloSettings
{
    /// <summary>Kubernetes' downward API: the pod's address, advertised unless <c>--advertise-ip</c> says otherwise.</summary>
    public const string PodIpVariable = "POD_IP";

    public required IConfiguration Configuration { get; init; }

    public required SiloHostOptions Silo { get; init; }

    public required HealthOptions Health { get; init; }

    public required SiloDashboardOptions Dashboard { get; init; }

    public required StorageModeOptions Storage { get; init; }

    public required SiloTlsOptions Tls { get; init; }

    public required ProfileAuthenticationOptions Auth { get; init; }

    /// <summary>The address other silos and agents reach this silo on: <c>--advertise-ip</c>, else <c>POD_IP</c>, else loopback.</summary>
    public required IPAddress AdvertisedAddress { get; init; }

    public IConfigurationSection Section(string path) => Configuration.GetSection(path);
}
