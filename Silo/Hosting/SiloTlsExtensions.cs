using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Runtime;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>
/// Encryption in transit. With a certificate configured (section <c>Tls</c>) the gateway speaks TLS to agents
/// (they validate the silo's certificate; the silo asks for none of theirs) and silos speak mutual TLS to each
/// other: each presents its certificate and requires the peer's, which must chain to <c>Tls:CaPath</c> (or the
/// system trust store). TLS runs end to end, so a plain TCP proxy in front of the gateway changes nothing.
/// Without a certificate the silo stays in plaintext and says so once.
/// </summary>
public static partial class SiloTlsExtensions
{
    private static readonly AsyncLocal<string?> Peer = new();

    /// <summary>Secures the silo's connections with what section <c>Tls</c> names; throws <see cref="OptionsValidationException"/> for bad settings.</summary>
    public static ISiloBuilder UseConfiguredTls(this ISiloBuilder orleans, SiloTlsOptions options)
    {
        if (!options.IsConfigured)
        {
            SiloCertificateLoader.Load(options); // only complains about a key or CA given without a certificate
            orleans.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new SiloTlsStatus(sp.GetRequiredService<ILogger<SiloTlsStatus>>(), null));
            return orleans;
        }

        var tls = SiloCertificateLoader.Load(options);
        orleans.Services.AddSingleton(tls);
        orleans.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new SiloTlsStatus(sp.GetRequiredService<ILogger<SiloTlsStatus>>(), tls));
        orleans.Services.AddOptions<SiloConnectionOptions>().Configure<ILoggerFactory>((connections, loggers) =>
        {
            var logger = loggers.CreateLogger(typeof(SiloTlsExtensions).FullName!);

            // Silo to silo, both ways: present our certificate and require theirs.
            var fromSilos = new TlsOptions
            {
                LocalCertificate = tls.Certificate,
                RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
                RemoteCertificateValidation = (certificate, chain, errors) => ValidatePeer(tls, logger, certificate, chain, errors, TlsCertificates.ClientAuthenticationOid),
            };
            var toSilos = new TlsOptions
            {
                LocalCertificate = tls.Certificate,
                ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
                RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
                RemoteCertificateValidation = (certificate, chain, errors) => ValidatePeer(tls, logger, certificate, chain, errors, TlsCertificates.ServerAuthenticationOid),
            };

            // Agents: they check our certificate; who they are is the token's business, not TLS's.
            var toAgents = new TlsOptions { LocalCertificate = tls.Certificate, RemoteCertificateMode = RemoteCertificateMode.NoCertificate };

            connections.ConfigureSiloInboundConnection(b => b.Use(RememberPeer).UseServerTls(fromSilos));
            connections.ConfigureSiloOutboundConnection(b => b.Use(RememberPeer).UseClientTls(toSilos));
            connections.ConfigureGatewayInboundConnection(b => b.UseServerTls(toAgents));
        });
        return orleans;
    }

    private static ConnectionDelegate RememberPeer(ConnectionDelegate next) => async context =>
    {
        Peer.Value = context.RemoteEndPoint?.ToString();
        await next(context);
    };

    /// <summary>
    /// A silo peer's certificate must chain to the configured authorities and allow the use it is put to. Its name is
    /// not checked: silos are reached by addresses that change (pods), and only holders of a CA-issued key pass.
    /// </summary>
    private static bool ValidatePeer(SiloTlsCertificates tls, ILogger logger, X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors, string usage)
    {
        string? problem = null;
        if (tls.Authorities is null)
        {
            if ((errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) != SslPolicyErrors.None)
            {
                problem = $"it does not chain to a certificate authority of the system trust store ({errors}{(presented is null ? "" : $": {TlsCertificates.DescribeChain(presented)}")})";
            }
            else if (!TlsCertificates.AllowsUsage(certificate, usage))
            {
                problem = $"its Extended Key Usage lacks {usage}";
            }
        }
        else
        {
            problem = TlsCertificates.ChainProblem(certificate, tls.Authorities, TlsCertificates.Intermediates(presented), usage) is { } chain
                ? $"it does not chain to a certificate authority of {tls.AuthoritiesDescription} ({chain})"
                : null;
        }

        if (problem is null)
        {
            return true;
        }

        LogPeerRefused(logger, Peer.Value ?? "?", certificate.Subject, certificate.Issuer, problem);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS: refused the certificate of silo peer {Peer} ({Subject}, issued by {Issuer}): {Problem}")]
    private static partial void LogPeerRefused(ILogger logger, string peer, string subject, string issuer, string problem);
}
