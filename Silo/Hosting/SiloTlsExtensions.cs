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

    /// <summary>Reads section <c>Tls</c> and secures the silo's connections; throws <see cref="OptionsValidationException"/> for bad settings.</summary>
    public static ISiloBuilder UseConfiguredTls(this ISiloBuilder orleans, IConfiguration configuration)
    {
        var options = configuration.GetSection(SiloTlsOptions.Section).Get<SiloTlsOptions>() ?? new SiloTlsOptions();
        if (!options.IsConfigured)
        {
            SiloTlsOptionsValidator.Load(options); // only complains about a key or CA given without a certificate
            orleans.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new SiloTlsStatus(sp.GetRequiredService<ILogger<SiloTlsStatus>>(), null));
            return orleans;
        }

        var tls = SiloTlsOptionsValidator.Load(options);
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
                RemoteCertificateValidation = (certificate, chain, errors) => ValidatePeer(tls, logger, certificate, chain, errors, SiloTlsOptionsValidator.ClientAuthenticationOid),
            };
            var toSilos = new TlsOptions
            {
                LocalCertificate = tls.Certificate,
                ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
                RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
                RemoteCertificateValidation = (certificate, chain, errors) => ValidatePeer(tls, logger, certificate, chain, errors, SiloTlsOptionsValidator.ServerAuthenticationOid),
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
                problem = $"it does not chain to a certificate authority of the system trust store ({errors}{(presented is null ? "" : $": {SiloTlsOptionsValidator.DescribeChain(presented)}")})";
            }
            else if (!SiloTlsOptionsValidator.AllowsUsage(certificate, usage))
            {
                problem = $"its Extended Key Usage lacks {usage}";
            }
        }
        else
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(tls.Authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(usage));
            if (presented is not null)
            {
                chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
                foreach (var element in presented.ChainElements.Skip(1))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            if (!chain.Build(certificate))
            {
                problem = $"it does not chain to a certificate authority of {tls.AuthoritiesDescription} ({SiloTlsOptionsValidator.DescribeChain(chain)})";
            }
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

/// <summary>Says once, as the silo starts, whether its connections are encrypted and with which certificate.</summary>
public sealed partial class SiloTlsStatus(ILogger<SiloTlsStatus> logger, SiloTlsCertificates? tls) : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan RenewalWarning = TimeSpan.FromDays(30);

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(SiloTlsStatus), ServiceLifecycleStage.First, _ =>
    {
        if (tls is null)
        {
            LogPlaintext(logger);
            return Task.CompletedTask;
        }

        var certificate = tls.Certificate;
        LogEncrypted(logger, certificate.Subject, certificate.Thumbprint, certificate.NotAfter.ToUniversalTime(), tls.AuthoritiesDescription);
        var left = certificate.NotAfter - DateTime.Now;
        if (left < RenewalWarning)
        {
            LogExpiring(logger, certificate.Subject, certificate.NotAfter.ToUniversalTime(), Math.Max(0, (int)left.TotalDays));
        }

        return Task.CompletedTask;
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS is off: agents and silos connect in plaintext, which is only for loopback and development; set Tls:CertificatePath (--tls-cert) to encrypt")]
    private static partial void LogPlaintext(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS on: gateway and silo-to-silo connections use certificate {Subject} (thumbprint {Thumbprint}, valid until {NotAfter:u}); silo peers must present a certificate chaining to {Authorities}")]
    private static partial void LogEncrypted(ILogger logger, string subject, string thumbprint, DateTime notAfter, string authorities);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS: certificate {Subject} expires at {NotAfter:u}, in {Days} day(s): renew it")]
    private static partial void LogExpiring(ILogger logger, string subject, DateTime notAfter, int days);
}
