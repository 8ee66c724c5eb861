using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.Profiles.Sync;

/// <summary>
/// TLS to the gateways (<see cref="ProfileSyncOptions.Tls"/>; null there means plaintext). The gateway's certificate
/// is always validated: it must chain to <see cref="Authorities"/> (or the system trust store) and name the host
/// or address the gateway was dialed by. There is no switch to turn validation off.
/// </summary>
public sealed class ClientTlsOptions
{
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The certificate authorities a gateway's certificate must chain to; null: the system trust store.</summary>
    public X509Certificate2Collection? Authorities { get; set; }

    /// <summary>For messages: where <see cref="Authorities"/> came from (a file name), or null for the system trust store.</summary>
    public string? AuthoritiesSource { get; set; }

    /// <summary>
    /// The host name a gateway address was given by (<c>--gateway silo1.contoso.com:30000</c>): the certificate must
    /// hold that name. A gateway given by address is checked against that address (an IP SAN).
    /// </summary>
    public IReadOnlyDictionary<IPAddress, string> HostNames { get; set; } = new Dictionary<IPAddress, string>();

    /// <summary>The longest a TLS handshake may take (never longer than the response timeout).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = DefaultHandshakeTimeout;
}
