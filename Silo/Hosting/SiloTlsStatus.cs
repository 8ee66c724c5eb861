using Orleans.Runtime;

namespace Orleans.Profiles.Silo.Hosting;

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
