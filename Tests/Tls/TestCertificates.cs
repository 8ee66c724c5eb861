using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Tls;

/// <summary>
/// Throwaway certificates as files in a temp folder: a CA and a second, unrelated CA; a silo certificate signed by
/// each (SAN IP 127.0.0.1 and DNS localhost, serverAuth and clientAuth) as PFX with a password and as PEM
/// certificate + key; and one signed by the first CA that names only <c>localhost</c>.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private readonly TempDirectory _folder = new("tls-certs");

    public TestCertificates()
    {
        using var ca = CreateAuthority("Orleans.Profiles Test CA");
        using var otherCa = CreateAuthority("Unrelated Test CA");
        CaPath = WritePem("ca.pem", ca.ExportCertificatePem());
        OtherCaPath = WritePem("other-ca.pem", otherCa.ExportCertificatePem());

        using var silo = CreateLeaf(SiloSubject, ca, san => { san.AddIpAddress(System.Net.IPAddress.Loopback); san.AddDnsName("localhost"); });
        (SiloPfx, SiloCertPem, SiloKeyPem) = Write("silo", silo);

        using var otherSilo = CreateLeaf(OtherSiloSubject, otherCa, san => { san.AddIpAddress(System.Net.IPAddress.Loopback); san.AddDnsName("localhost"); });
        (OtherSiloPfx, _, _) = Write("other-silo", otherSilo);

        using var named = CreateLeaf(NamedSiloSubject, ca, san => san.AddDnsName("localhost"));
        (_, NamedCertPem, NamedKeyPem) = Write("named-silo", named);
    }

    public const string SiloSubject = "CN=profiles-silo.test";
    public const string OtherSiloSubject = "CN=rogue-silo.test";
    public const string NamedSiloSubject = "CN=named-silo.test";

    /// <summary>The password of every PFX file here; unique, so finding it in a log means it was logged.</summary>
    public string Password { get; } = $"pfx-{Guid.NewGuid():N}";

    public string CaPath { get; }

    public string OtherCaPath { get; }

    /// <summary>The silo certificate signed by <see cref="CaPath"/>, with its key, protected by <see cref="Password"/>.</summary>
    public string SiloPfx { get; }

    public string SiloCertPem { get; }

    public string SiloKeyPem { get; }

    /// <summary>Like <see cref="SiloPfx"/> but signed by <see cref="OtherCaPath"/>.</summary>
    public string OtherSiloPfx { get; }

    /// <summary>Signed by <see cref="CaPath"/>, SAN DNS localhost only (no IP address).</summary>
    public string NamedCertPem { get; }

    public string NamedKeyPem { get; }

    public string Folder => _folder.Path;

    public void Dispose() => _folder.Dispose();

    private static X509Certificate2 CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static X509Certificate2 CreateLeaf(string subject, X509Certificate2 authority, Action<SubjectAlternativeNameBuilder> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication), new Oid(ClientAuthentication)], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(90), serial);
        return certificate.CopyWithPrivateKey(key);
    }

    private (string Pfx, string CertPem, string KeyPem) Write(string name, X509Certificate2 certificate)
    {
        var pfx = _folder.Combine($"{name}.pfx");
        File.WriteAllBytes(pfx, certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, Password));
        var key = certificate.GetECDsaPrivateKey()!;
        return (pfx, WritePem($"{name}.pem", certificate.ExportCertificatePem()), WritePem($"{name}.key", key.ExportPkcs8PrivateKeyPem()));
    }

    private string WritePem(string name, string pem)
    {
        var path = _folder.Combine(name);
        File.WriteAllText(path, pem + "\n");
        return path;
    }
}
