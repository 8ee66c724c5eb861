using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>The certificate checks silo and agent share: a PEM file of CAs, the chain to them, the Extended Key Usage.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class TlsCertificatesTests
{
    [Fact]
    public void A_missing_or_empty_CA_file_is_one_line_saying_why()
    {
        using var folder = new TempDirectory("unit-tls-ca");
        var missing = folder.Combine("none.pem");
        var empty = folder.Combine("empty.pem");
        File.WriteAllText(empty, "not a certificate\n");

        Assert.Null(TlsCertificates.TryLoadPemAuthorities(missing, out var notThere));
        Assert.Equal($"the file {missing} does not exist.", notThere);
        Assert.Null(TlsCertificates.TryLoadPemAuthorities(empty, out var nothing));
        Assert.Equal($"{empty} holds no PEM certificate (-----BEGIN CERTIFICATE-----).", nothing);
    }

    [Fact]
    public void A_certificate_chains_to_its_own_CA_and_not_to_another()
    {
        using var folder = new TempDirectory("unit-tls-chain");
        using var ca = SelfSigned("CN=Test CA");
        using var other = SelfSigned("CN=Other CA");
        File.WriteAllText(folder.Combine("ca.pem"), ca.ExportCertificatePem());

        var authorities = TlsCertificates.TryLoadPemAuthorities(folder.Combine("ca.pem"), out var problem);

        Assert.Null(problem);
        Assert.Null(TlsCertificates.ChainProblem(ca, authorities, []));
        Assert.NotNull(TlsCertificates.ChainProblem(other, authorities, []));
    }

    [Fact]
    public void A_certificate_without_an_extended_key_usage_allows_every_use_and_one_with_it_only_those()
    {
        using var any = SelfSigned("CN=Any");
        using var server = SelfSigned("CN=Server", TlsCertificates.ServerAuthenticationOid);

        Assert.True(TlsCertificates.AllowsUsage(any, TlsCertificates.ClientAuthenticationOid));
        Assert.True(TlsCertificates.AllowsUsage(server, TlsCertificates.ServerAuthenticationOid));
        Assert.False(TlsCertificates.AllowsUsage(server, TlsCertificates.ClientAuthenticationOid));
    }

    private static X509Certificate2 SelfSigned(string subject, params string[] usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        if (usages.Length > 0)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages.Select(u => new Oid(u))], critical: false));
        }

        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
