using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;

namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// The PEM certificate and key an HTTPS Azurite serves, and how this test process's own SDK clients trust
/// exactly that certificate (a silo process trusts it through <c>SSL_CERT_FILE</c> instead).
/// </summary>
public sealed record AzuriteTls(string CertificatePem, string KeyPem)
{
    /// <summary>An SDK transport that accepts Azurite's certificate and nothing else.</summary>
    public HttpClientTransport Transport()
    {
        using var expected = X509Certificate2.CreateFromPemFile(CertificatePem, KeyPem);
        var thumbprint = expected.Thumbprint;
#pragma warning disable CA2000 // The transport owns its handler for the client's lifetime.
        return new HttpClientTransport(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint,
        });
#pragma warning restore CA2000
    }
}
