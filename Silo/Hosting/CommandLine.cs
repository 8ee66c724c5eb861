namespace Orleans.Profiles.Silo.Hosting;

/// <summary>
/// The silo's command-line switches: each is a short name for a configuration key, so the same
/// setting can come from appsettings.json, an environment variable or the command line.
/// </summary>
public static class CommandLine
{
    public static IDictionary<string, string> Switches { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--data"] = "Storage:DataDirectory",
        ["--storage"] = "Storage:Mode",
        ["--silo-port"] = "Silo:SiloPort",
        ["--gateway-port"] = "Silo:GatewayPort",
        ["--gateway-listen-port"] = "Silo:GatewayListenPort",
        ["--cluster-id"] = "Silo:ClusterId",
        ["--advertise-ip"] = "Silo:AdvertisedAddress",
        ["--azure-connection-string"] = "Storage:Azure:ConnectionString",
        ["--health-port"] = "Health:Port",
        ["--token-key-file"] = "Auth:KeyFile",
        ["--tls-cert"] = "Tls:CertificatePath",
        ["--tls-key"] = "Tls:KeyPath",
        ["--tls-ca"] = "Tls:CaPath",
    };

    /// <summary>Switches that take no value.</summary>
    public static IReadOnlyDictionary<string, string> Flags { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--listen-any"] = "Silo:ListenOnAnyAddress",
    };

    /// <summary>Rewrites flags as key=true settings, so the configuration provider sees only key/value pairs.</summary>
    public static string[] ExpandFlags(IEnumerable<string> args)
        => [.. args.Select(a => Flags.TryGetValue(a, out var key) ? $"--{key}=true" : a)];

    public const string Usage = """
        Usage: profiles-silo [options]

          --data DIR           data folder of the local store (default ./profiles-data)
          --silo-port N        silo-to-silo port (default 11111)
          --gateway-port N     port agents connect to (default 30000)
          --gateway-listen-port N
                               port the gateway binds, when agents reach it through a
                               proxy or NAT on --gateway-port (default: the same)
          --storage MODE       storage mode: local (default) or azure
          --azure-connection-string S
                               Azure storage connection string (azure mode; or set
                               AZURE_STORAGE_CONNECTION_STRING); never logged. On Entra ID
                               instead: Storage:Azure:ServiceUri, TableServiceUri and
                               Credential (Default, ManagedIdentity, WorkloadIdentity)
          --cluster-id ID      cluster id (default orleans-profiles)
          --advertise-ip IP    address other silos and agents reach this silo on
                               (default: POD_IP in Kubernetes, else 127.0.0.1)
          --listen-any         bind all interfaces (containers)
          --token-key-file PEM public key that signs agents' tokens; once set, every
                               call needs a valid token (Auth:* settings: JwksFile,
                               Authority, Issuer, Audience, ClockSkew, AdminRole)
          --health-port N      HTTP port of /health/ready, /health/live, /metrics
                               (default 8080, on 127.0.0.1; 0 picks a free port)
          --tls-cert FILE      the silo's TLS certificate: PFX (password in Tls:Password)
                               or PEM; encrypts the gateway and, with mutual TLS, the
                               silo-to-silo connections (default: plaintext)
          --tls-key FILE       PEM private key of a PEM --tls-cert
          --tls-ca FILE        PEM CA certificate(s) silo peers must chain to
                               (default: the system trust store)
          --Section:Key=VALUE  any other setting of appsettings.json

        Settings also come from appsettings.json beside the program and from
        environment variables such as PROFILES_Silo__GatewayPort=30001.
        """;

    /// <summary>The first argument that is not a known switch or a <c>--Section:Key</c> setting, if any.</summary>
    public static string? FindUnknown(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i].Split('=', 2)[0];
            if (Flags.ContainsKey(args[i]))
            {
                continue;
            }

            if (Switches.ContainsKey(name))
            {
                i += args[i].Contains('=') ? 0 : 1;
            }
            else if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':'))
            {
                i += args[i].Contains('=') ? 0 : 1;
            }
            else
            {
                return args[i];
            }
        }

        return null;
    }
}
