using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>
/// Loads what the <c>Tls</c> settings name and checks it: the files exist, the certificate has its private key
/// (the key file matches it), may serve as TLS server and client (silos are both to each other), is within its
/// validity period and chains to the configured authorities. Every failure is one line that never contains the password.
/// </summary>
public static class SiloCertificateLoader
{
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
        var authorities = TlsCertificates.TryLoadPemAuthorities(path, out var problem);
        if (authorities is null)
        {
            failures.Add($"Tls:CaPath (--tls-ca): {problem}");
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
        var location = options.StoreLocation;
        if (!Enum.IsDefined(location))
        {
            failures.Add(EnumSettings.NotOneOf("Tls:StoreLocation", location.ToString(), typeof(StoreLocation)));
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

        foreach (var (oid, use) in new[] { (TlsCertificates.ServerAuthenticationOid, "server authentication (serverAuth)"), (TlsCertificates.ClientAuthenticationOid, "client authentication (clientAuth), which silos use with each other") })
        {
            if (!TlsCertificates.AllowsUsage(certificate, oid))
            {
                failures.Add($"Tls: {what} is not valid for TLS {use}: its Extended Key Usage must include both serverAuth and clientAuth.");
            }
        }

        if (TlsCertificates.ChainProblem(certificate, authorities, extra) is { } problem)
        {
            var to = authorities is null ? "a certificate authority of the system trust store (set Tls:CaPath, --tls-ca, for a private CA)" : $"a certificate authority of {options.CaPath} (Tls:CaPath, --tls-ca)";
            failures.Add($"Tls: {what} does not chain to {to} ({problem}); other silos and agents would refuse it.");
        }
    }

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
