using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.Profiles;

/// <summary>
/// What silos and agents check alike about a TLS certificate: its Extended Key Usage, its chain to the configured
/// authorities (or the system trust store), and how a failed chain is described; and how a PEM file of authorities is read.
/// </summary>
public static class TlsCertificates
{
    public const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>A certificate without an Extended Key Usage extension may be used for anything.</summary>
    public static bool AllowsUsage(X509Certificate2 certificate, string oid)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
        return usages.Count == 0 || usages.Any(u => u.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == oid));
    }

    /// <summary>
    /// Why <paramref name="certificate"/> does not chain to <paramref name="authorities"/> (null: the system trust store),
    /// or null when it does. <paramref name="intermediates"/> may complete the chain; <paramref name="usageOid"/>, when
    /// given, must be allowed by every certificate of it. Revocation is not checked: private CAs rarely publish it.
    /// </summary>
    public static string? ChainProblem(X509Certificate2 certificate, X509Certificate2Collection? authorities, IEnumerable<X509Certificate2> intermediates, string? usageOid = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        if (authorities is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        }

        if (usageOid is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(usageOid));
        }

        return chain.Build(certificate) ? null : DescribeChain(chain);
    }

    /// <summary>The certificates a peer sent along with its own (what its TLS stack built), to complete a chain with.</summary>
    public static IEnumerable<X509Certificate2> Intermediates(X509Chain? presented)
        => presented is null ? [] : [.. presented.ChainPolicy.ExtraStore, .. presented.ChainElements.Skip(1).Select(e => e.Certificate)];

    /// <summary>The distinct statuses of a chain that did not build, e.g. <c>PartialChain, NotTimeValid</c>.</summary>
    public static string DescribeChain(X509Chain chain)
        => string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct().Select(s => s.ToString())) is { Length: > 0 } text ? text : "no chain";

    /// <summary>
    /// The certificates of a PEM file of certificate authorities, or null with <paramref name="problem"/> saying why
    /// (one line, without the setting's name: the caller knows which setting named the file).
    /// </summary>
    public static X509Certificate2Collection? TryLoadPemAuthorities(string path, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
        {
            problem = $"the file {path} does not exist.";
            return null;
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            problem = $"{path} cannot be read as PEM certificates: {ex.Message.Split('\n')[0].Trim()}";
            return null;
        }

        if (authorities.Count == 0)
        {
            problem = $"{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).";
            return null;
        }

        return authorities;
    }
}
