namespace Orleans.Profiles.Silo.Hosting;

/// <summary>Where the silo listens and which cluster it joins (configuration section <c>Silo</c>).</summary>
public sealed class SiloHostOptions
{
    public const string Section = "Silo";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;
    public const string DefaultClusterId = "orleans-profiles";

    /// <summary>The port silos talk to each other on.</summary>
    public int SiloPort { get; set; } = DefaultSiloPort;

    /// <summary>The port workstation agents connect to, as the silo advertises it.</summary>
    public int GatewayPort { get; set; } = DefaultGatewayPort;

    /// <summary>
    /// The port the gateway binds when it differs from the advertised one: behind NAT, a load
    /// balancer or a TCP proxy, agents reach <see cref="GatewayPort"/> and it is forwarded here. 0: the same.
    /// </summary>
    public int GatewayListenPort { get; set; }

    public string ClusterId { get; set; } = DefaultClusterId;

    public string ServiceId { get; set; } = DefaultClusterId;

    /// <summary>
    /// The address other silos and agents reach this silo on: by default the pod's address in
    /// Kubernetes (<c>POD_IP</c>), otherwise 127.0.0.1.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Bind every interface rather than only the advertised address (containers, NAT).</summary>
    public bool ListenOnAnyAddress { get; set; }
}
