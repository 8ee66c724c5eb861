using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>
/// Checks the <c>Tls</c> settings by loading what they name: the files exist, the certificate has its private key
/// (the key file matches it), may serve as TLS server and client (silos are both to each other), is within its
/// validity period and chains to the configured authorities. Every failure is one line that never contains the password.
/// </summary>
public sealed class SiloTlsOptionsValidator : IValidateOptions<SiloTlsOptions>
{
    public const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    public ValidateOptionsResult Validate(string? name, SiloTlsOptions options)
    {
        var failures = new List<string>();
        using var loaded = TryLoad(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The configured certificate and authorities; throws <see cref="OptionsValidationException"/> with every problem found.</summary>
    public static SiloTlsCertificates Load(SiloTlsOptions options)
    {
        var failures = new List<string>();
        var loaded = TryLoad(options, failures);
        if (failures.Count > 0)
        {
            loaded?.Dispose();
            throw new OptionsValidationException(SiloTlsOptions.Section, typeof(SiloTlsOptions), failures);
        }

        return loaded!;
    }

    private static SiloTlsCertificates? TryLoad(SiloTlsOptions options, List<string> failures)
    {
        if (!options.IsConfigured)
        {
            var orphans = new[] { (options.KeyPath, "Tls:KeyPath (--tls-key)"), (options.CaPath, "Tls:CaPath (--tls-ca)") }.Where(o => Set(o.Item1)).Select(o => o.Item2).ToList();
            if (orphans.Count > 0)
            {
                failures.Add($"{string.Join(" and ", orphans)} without a certificate would leave the silo in plaintext: set Tls:CertificatePath (--tls-cert) or Tls:StoreThumbprint too.");
            }

            return null;
        }

        if (Set(options.CertificatePath) && Set(options.StoreThumbprint))
        {
            failures.Add("Set either Tls:CertificatePath (--tls-cert) or Tls:StoreThumbprint, not both.");
            return null;
        }

        var authorities = Set(options.CaPath) ? LoadAuthorities(options.CaPath!, failures) : null;
        var (certificate, extra) = Set(options.CertificatePath) ? LoadFromFile(options, failures) : (LoadFromStore(options, failures), []);
        if (certificate is null || failures.Count > 0)
        {
            certificate?.Dispose();
            return null;
        }

        CheckUsable(certificate, extra, authorities, options, failures);
        return new SiloTlsCertificates(certificate, authorities, Set(options.CaPath) ? $"the CA file {options.CaPath}" : "the system trust store");
    }

    private static X509Certificate2Collection? LoadAuthorities(string path, List<string> failures)
    {
        if (!File.Exists(path))
        {
            failures.Add($"Tls:CaPath (--tls-ca): the file {path} does not exist.");
            return null;
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            failures.Add($"Tls:CaPath (--tls-ca): {path} cannot be read as PEM certificates: {FirstLine(ex)}");
            return null;
        }

        if (authorities.Count == 0)
        {
            failures.Add($"Tls:CaPath (--tls-ca): {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
            return null;
        }

        return authorities;
    }

    private static (X509Certificate2? Certificate, X509Certificate2Collection Extra) LoadFromFile(SiloTlsOptions options, List<string> failures)
    {
        var path = options.CertificatePath!;
        if (!File.Exists(path))
        {
            failures.Add($"Tls:CertificatePath (--tls-cert): the file {path} does not exist.");
            return (null, []);
        }

        if (Set(options.KeyPath) && !File.Exists(options.KeyPath))
        {
            failures.Add($"Tls:KeyPath (--tls-key): the file {options.KeyPath} does not exist.");
            return (null, []);
        }

        try
        {
            return IsPem(path) ? LoadPem(options, failures) : LoadPkcs12(options, failures);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failures.Add($"Tls:CertificatePath (--tls-cert): {path} cannot be read: {FirstLine(ex)}");
            return (null, []);
        }
    }

    private static (X509Certificate2?, X509Certificate2Collection) LoadPkcs12(SiloTlsOptions options, List<string> failures)
    {
        var path = options.CertificatePath!;
        if (Set(options.KeyPath))
        {
            failures.Add($"Tls:KeyPath (--tls-key) is only for a PEM certificate; {path} is not PEM (a PFX file holds its own key).");
            return (null, []);
        }

        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, options.Password);
        }
        catch (CryptographicException ex)
        {
            failures.Add($"Tls:CertificatePath (--tls-cert): {path} cannot be read as a PFX (PKCS#12) file with the configured Tls:Password: {FirstLine(ex)}");
            return (null, []);
        }

        var certificate = all.FirstOrDefault(c => c.HasPrivateKey);
        if (certificate is null)
        {
            failures.Add($"Tls:CertificatePath (--tls-cert): {path} holds no certificate with its private key.");
            Dispose(all);
            return (null, []);
        }

        all.Remove(certificate);
        return (certificate, all);
    }

    private static (X509Certificate2?, X509Certificate2Collection) LoadPem(SiloTlsOptions options, List<string> failures)
    {
        var path = options.CertificatePath!;
        var keyPath = Set(options.KeyPath) ? options.KeyPath : null;
        X509Certificate2 certificate;
        try
        {
            certificate = Set(options.Password)
                ? X509Certificate2.CreateFromEncryptedPemFile(path, options.Password, keyPath)
                : X509Certificate2.CreateFromPemFile(path, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            failures.Add(keyPath is null
                ? $"Tls:CertificatePath (--tls-cert): no usable certificate and private key in {path} (for a key in another file set Tls:KeyPath, --tls-key): {FirstLine(ex)}"
                : $"Tls:KeyPath (--tls-key): the key in {keyPath} cannot be used with the certificate in {path}: {FirstLine(ex)}");
            return (null, []);
        }

        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use the ephemeral key of a PEM import: give it a key it can.
            using var ephemeral = certificate;
            certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }

        var extra = new X509Certificate2Collection();
        extra.ImportFromPemFile(path);
        foreach (var same in extra.Where(c => c.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span)).ToList())
        {
            extra.Remove(same);
            same.Dispose();
        }

        return (certificate, extra);
    }

    private static X509Certificate2? LoadFromStore(SiloTlsOptions options, List<string> failures)
    {
        if (!Enum.TryParse<StoreLocation>(options.StoreLocation, ignoreCase: true, out var location) || !Enum.IsDefined(location))
        {
            failures.Add($"Tls:StoreLocation must be CurrentUser or LocalMachine, not '{options.StoreLocation}'.");
            return null;
        }

        if (Set(options.KeyPath))
        {
            failures.Add("Tls:KeyPath (--tls-key) is only for a PEM certificate file, not for Tls:StoreThumbprint.");
            return null;
        }

        var thumbprint = new string([.. options.StoreThumbprint!.Where(char.IsAsciiHexDigit)]).ToUpperInvariant();
        try
        {
            using var store = new X509Store(StoreName.My, location);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
            var certificate = found.FirstOrDefault(c => c.HasPrivateKey);
            foreach (var other in store.Certificates.Where(c => c != certificate))
            {
                other.Dispose();
            }

            if (certificate is null)
            {
                failures.Add(found.Count == 0
                    ? $"Tls:StoreThumbprint: no certificate with thumbprint {thumbprint} in the {location} store 'My'."
                    : $"Tls:StoreThumbprint: the certificate {thumbprint} in the {location} store 'My' has no private key this process can use.");
            }

            return certificate;
        }
        catch (CryptographicException ex)
        {
            failures.Add($"Tls:StoreThumbprint: the {location} store 'My' cannot be opened: {FirstLine(ex)}");
            return null;
        }
    }

    private static void CheckUsable(X509Certificate2 certificate, X509Certificate2Collection extra, X509Certificate2Collection? authorities, SiloTlsOptions options, List<string> failures)
    {
        var what = $"the certificate {certificate.Subject} (thumbprint {certificate.Thumbprint})";
        if (!certificate.HasPrivateKey)
        {
            failures.Add($"Tls: {what} has no private key.");
        }

        var now = DateTime.Now;
        if (now < certificate.NotBefore || now > certificate.NotAfter)
        {
            failures.Add($"Tls: {what} is valid only from {certificate.NotBefore:u} to {certificate.NotAfter:u}.");
        }

        foreach (var (oid, use) in new[] { (ServerAuthenticationOid, "server authentication (serverAuth)"), (ClientAuthenticationOid, "client authentication (clientAuth), which silos use with each other") })
        {
            if (!AllowsUsage(certificate, oid))
            {
                failures.Add($"Tls: {what} is not valid for TLS {use}: its Extended Key Usage must include both serverAuth and clientAuth.");
            }
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(extra);
        if (authorities is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        }

        if (!chain.Build(certificate))
        {
            var to = authorities is null ? "a certificate authority of the system trust store (set Tls:CaPath, --tls-ca, for a private CA)" : $"a certificate authority of {options.CaPath} (Tls:CaPath, --tls-ca)";
            failures.Add($"Tls: {what} does not chain to {to} ({DescribeChain(chain)}); other silos and agents would refuse it.");
        }
    }

    /// <summary>A certificate without an Extended Key Usage extension may be used for anything.</summary>
    public static bool AllowsUsage(X509Certificate2 certificate, string oid)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
        return usages.Count == 0 || usages.Any(u => u.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == oid));
    }

    public static string DescribeChain(X509Chain chain)
        => string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct().Select(s => s.ToString()));

    private static bool IsPem(string path)
    {
        var head = new byte[4096];
        using var file = File.OpenRead(path);
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head.AsSpan(0, read).IndexOf("-----BEGIN "u8) >= 0;
    }

    private static bool Set(string? value) => !string.IsNullOrWhiteSpace(value);

    private static string FirstLine(Exception ex) => ex.Message.Split('\n')[0].Trim();

    private static void Dispose(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}

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
