namespace Orleans.Profiles.Silo.Hosting;

/// <summary>The silo's HTTP endpoint: health, metrics (configuration section <c>Health</c>).</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";
    public const string DefaultAddress = "127.0.0.1";
    public const int DefaultPort = 8080;

    /// <summary>Loopback by default: only a local agent (or a Kubernetes probe, with <c>--listen-any</c>) asks.</summary>
    public string Address { get; set; } = DefaultAddress;

    /// <summary>The port of <c>/health/ready</c>, <c>/health/live</c> and <c>/metrics</c>; 0 picks a free one.</summary>
    public int Port { get; set; } = DefaultPort;
}
