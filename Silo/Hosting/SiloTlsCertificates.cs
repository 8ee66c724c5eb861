using System.Security.Cryptography.X509Certificates;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>What the <c>Tls</c> settings named, loaded and checked.</summary>
public sealed class SiloTlsCertificates(X509Certificate2 certificate, X509Certificate2Collection? authorities, string authoritiesDescription) : IDisposable
{
    /// <summary>The silo's own certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>The trust anchors for silo peers; null: the system trust store.</summary>
    public X509Certificate2Collection? Authorities { get; } = authorities;

    /// <summary>For logs: where the trust anchors come from.</summary>
    public string AuthoritiesDescription { get; } = authoritiesDescription;

    public void Dispose() => Certificate.Dispose();
}
