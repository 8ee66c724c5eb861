using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Cli;

/// <summary>
/// <c>--tls</c> and <c>--tls-ca</c>: reach the gateways over TLS. The gateway's certificate is always validated (chain
/// and name); there is deliberately no option to skip that.
/// </summary>
public static class AgentTlsOptions
{
    public static Option<bool> Tls { get; } = new("--tls")
    {
        Description = "Connect to the gateways over TLS; their certificate must chain to a CA this machine trusts and name the gateway as given",
        Recursive = true,
    };

    public static Option<string> TlsCa { get; } = new("--tls-ca")
    {
        Description = "Trust this PEM file's certificate authorities (only them) for the gateways' certificates; implies --tls",
        Recursive = true,
        HelpName = "FILE",
    };

    public static IEnumerable<Option> All => [Tls, TlsCa];

    /// <summary>The TLS settings the command line asks for, or null for plaintext.</summary>
    public static ClientTlsOptions? FromParse(ParseResult parse)
        => For(parse.GetValue(Tls), parse.GetValue(TlsCa), parse.GetValue(AgentOptions.Gateway) ?? []);

    /// <summary>TLS to <paramref name="gateways"/> when asked for or a CA file is given; null for plaintext.</summary>
    public static ClientTlsOptions? For(bool tls, string? caFile, IEnumerable<string> gateways)
    {
        if (!tls && caFile is null)
        {
            return null;
        }

        return new ClientTlsOptions
        {
            Authorities = caFile is null ? null : LoadAuthorities(caFile),
            AuthoritiesSource = caFile is null ? null : $"--tls-ca {caFile}",
            HostNames = HostNames(gateways),
        };
    }

    private static X509Certificate2Collection LoadAuthorities(string file)
        => TlsCertificates.TryLoadPemAuthorities(file, out var problem) ?? throw new ArgumentException($"--tls-ca: {problem}");

    /// <summary>
    /// The host name each gateway address was given by (every address the name resolves to), so the certificate is
    /// checked against the name that was dialed. Gateways given by address are checked against the address.
    /// </summary>
    private static Dictionary<IPAddress, string> HostNames(IEnumerable<string> gateways)
    {
        var names = new Dictionary<IPAddress, string>();
        foreach (var gateway in gateways)
        {
            var colon = gateway.LastIndexOf(':');
            if ((IPEndPoint.TryParse(gateway, out var endpoint) && endpoint.Port != 0) || colon <= 0)
            {
                continue;
            }

            var host = gateway[..colon];
            try
            {
                foreach (var address in Dns.GetHostAddresses(host))
                {
                    names.TryAdd(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, host);
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Reported by the gateway's own parsing.
            }
        }

        return names;
    }
}
