using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Cli;

/// <summary>The agent's options, global ones recursive so they may be given before or after the command.</summary>
public static class AgentOptions
{
    public static Option<string[]> Gateway { get; } = new("--gateway")
    {
        Description = "Gateway HOST:PORT to connect to; repeat it to give several (default 127.0.0.1:30000)",
        Recursive = true,
        DefaultValueFactory = _ => [$"127.0.0.1:{ProfileSyncOptions.DefaultGatewayPort}"],
        HelpName = "HOST:PORT",
    };

    public static Option<string> StateDir { get; } = new("--state-dir")
    {
        Description = "The agent's record of what it last synced (default: per user, under local application data)",
        Recursive = true,
        DefaultValueFactory = _ => ProfileSyncOptions.DefaultStateDirectory,
        HelpName = "DIR",
    };

    public static Option<bool> Json { get; } = new("--json") { Description = "Print machine-readable JSON on standard output", Recursive = true };

    public static Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "The cluster's id (default orleans-profiles)",
        Recursive = true,
        DefaultValueFactory = _ => ProfileSyncOptions.DefaultClusterId,
    };

    public static Option<int> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for one answer before retrying",
        Recursive = true,
        DefaultValueFactory = _ => (int)ProfileSyncOptions.DefaultResponseTimeout.TotalSeconds,
        HelpName = "SECONDS",
    };

    public static Option<int> Retries { get; } = new("--retries")
    {
        Description = "Attempts per call before the store is reported unavailable",
        Recursive = true,
        DefaultValueFactory = _ => ProfileSyncOptions.DefaultMaxAttempts,
    };

    public static Option<string> TokenFile { get; } = new("--token-file")
    {
        Description = "A file holding the user's token (default: the PROFILES_TOKEN environment variable)",
        Recursive = true,
        HelpName = "FILE",
    };

    public static Option<bool> Verbose { get; } = new("--verbose") { Description = "Log what the agent does on standard error", Recursive = true };

    public static Option<string> User { get; } = new("--user") { Description = @"The account whose profile it is: DOMAIN\user, user@domain or user", Required = true, HelpName = "ACCOUNT" };

    public static Option<string> Path { get; } = new("--path") { Description = "The profile file or folder on this machine", Required = true, HelpName = "FILE_OR_FOLDER" };

    public static Option<string> Machine { get; } = new("--machine")
    {
        Description = "This workstation's name, kept in history (default: the host name)",
        DefaultValueFactory = _ => Environment.MachineName,
        HelpName = "NAME",
    };

    public static Option<long> BandwidthLimit { get; } = new("--bwlimit") { Description = "Limit the transfer to this many KiB per second", HelpName = "KIB_PER_SECOND" };

    public static Option<string[]> Exclude { get; } = new("--exclude")
    {
        Description = @"Also leave out of the sync the paths this pattern matches, relative to the profile folder, with * ** ? wildcards, "
            + @"e.g. --exclude 'AppData\Roaming\Big\*.iso'; repeat it for several; added to the defaults (README: Exclusions)",
        HelpName = "PATTERN",
    };

    public static Option<string[]> Include { get; } = new("--include")
    {
        Description = @"Sync the paths this pattern matches even where an exclude matches them, e.g. --include 'AppData\Local\Contoso\**'; "
            + "repeat it for several; added to the defaults",
        HelpName = "PATTERN",
    };

    public static Option<int> Snapshot { get; } = new("--snapshot") { Description = "A snapshot number (default: the current one)", HelpName = "N" };

    public static Option<bool> Force { get; } = new("--force") { Description = "Overwrite local files changed since the last sync (their changes are lost)" };

    /// <summary>Resolves <c>HOST:PORT</c>; a host name is looked up, IPv4 first.</summary>
    public static IPEndPoint ParseGateway(string value)
    {
        if (IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port != 0)
        {
            return endpoint;
        }

        var colon = value.LastIndexOf(':');
        if (colon > 0 && int.TryParse(value.AsSpan(colon + 1), out var port) && port is > 0 and <= IPEndPoint.MaxPort)
        {
            var addresses = Dns.GetHostAddresses(value[..colon]);
            var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (address is not null)
            {
                return new IPEndPoint(address, port);
            }
        }

        throw new ArgumentException($"Gateway \"{value}\" is not HOST:PORT.");
    }
}
