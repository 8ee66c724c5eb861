using System.Net;

namespace Orleans.Profiles.Sync;

/// <summary>How the agent reaches the store and how patient it is: a logoff must finish or fail in bounded time.</summary>
public sealed class ProfileSyncOptions
{
    public const int DefaultGatewayPort = 30000;
    public const string DefaultClusterId = "orleans-profiles";
    public const int DefaultBatchBytes = 1024 * 1024;
    public const int DefaultMaxAttempts = 6;
    public const long DefaultPushBufferBytes = 64L * 1024 * 1024;
    public static readonly TimeSpan DefaultResponseTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultInitialBackoff = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromSeconds(8);

    /// <summary>Gateways to try, in order of preference.</summary>
    public IReadOnlyList<IPEndPoint> Gateways { get; set; } = [new(IPAddress.Loopback, DefaultGatewayPort)];

    public string ClusterId { get; set; } = DefaultClusterId;

    public string ServiceId { get; set; } = DefaultClusterId;

    /// <summary>How long one call may wait for its answer; a cut connection is often noticed only then.</summary>
    public TimeSpan ResponseTimeout { get; set; } = DefaultResponseTimeout;

    /// <summary>Attempts per call before the store is reported unavailable.</summary>
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    public TimeSpan InitialBackoff { get; set; } = DefaultInitialBackoff;

    public TimeSpan MaxBackoff { get; set; } = DefaultMaxBackoff;

    /// <summary>Chunk bytes per put or read call.</summary>
    public int BatchBytes { get; set; } = DefaultBatchBytes;

    /// <summary>
    /// Bytes of changed files a push keeps in memory from its hash pass to send without reading them
    /// again; what does not fit is read a second time (and its hash checked). 0: keep nothing.
    /// </summary>
    public long PushBufferBytes { get; set; } = DefaultPushBufferBytes;

    /// <summary>Transfer limit in bytes per second (0: none), for branch offices on slow links.</summary>
    public long BandwidthLimit { get; set; }

    /// <summary>The signed token sent with every call (null when the store runs without authentication).</summary>
    public string? Token { get; set; }

    /// <summary>TLS to the gateways, the silo's certificate always validated; null: plaintext (loopback and development).</summary>
    public ClientTlsOptions? Tls { get; set; }

    /// <summary>The workstation's name, recorded in history.</summary>
    public string Machine { get; set; } = Environment.MachineName;

    /// <summary>
    /// Which paths of a profile folder roam: a push neither reads nor sends the others, and a pull
    /// neither writes nor deletes them (a one-file push or pull is not filtered).
    /// </summary>
    public ProfileFilter Filter { get; set; } = ProfileFilter.Default;

    /// <summary>The agent's own record of what it last synced, per user and path.</summary>
    public string StateDirectory { get; set; } = DefaultStateDirectory;

    public static string DefaultStateDirectory
    {
        get
        {
            var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return Path.Combine(string.IsNullOrEmpty(local) ? Path.GetTempPath() : local, "Orleans.Profiles", "agent");
        }
    }
}
