namespace Orleans.Profiles.Silo.Hosting;

/// <summary>The Orleans Dashboard (configuration section <c>Dashboard</c>): off unless enabled.</summary>
public sealed class SiloDashboardOptions
{
    public const string Section = "Dashboard";
    public const int DefaultPort = 8081;

    public bool Enabled { get; set; }

    /// <summary>Served on the health address at this port.</summary>
    public int Port { get; set; } = DefaultPort;
}
