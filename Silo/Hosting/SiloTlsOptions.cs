using System.Security.Cryptography.X509Certificates;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>
/// Encryption in transit (configuration section <c>Tls</c>): the certificate the silo presents to agents on
/// its gateway and to other silos, and the certificate authorities a silo peer must chain to (mutual TLS
/// between silos). With no certificate configured the silo runs in plaintext, for loopback and development.
/// </summary>
public sealed class SiloTlsOptions
{
    public const string Section = "Tls";
    public const StoreLocation DefaultStoreLocation = StoreLocation.CurrentUser;

    /// <summary>The silo's certificate: a PKCS#12 (PFX) file with its key, or a PEM certificate (then <see cref="KeyPath"/>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="CertificatePath"/> (unset: the key is in the certificate file).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of the PFX file, or of an encrypted PEM key. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// A PEM file of the certificate authorities that silo certificates must chain to; unset: the system trust store.
    /// </summary>
    public string? CaPath { get; set; }

    /// <summary>Instead of a file: the thumbprint of a certificate (with its private key) in the OS store "My".</summary>
    public string? StoreThumbprint { get; set; }

    /// <summary>The store of <see cref="StoreThumbprint"/>: <c>CurrentUser</c> or <c>LocalMachine</c>.</summary>
    public StoreLocation StoreLocation { get; set; } = DefaultStoreLocation;

    /// <summary>Whether a certificate is configured at all: without one the silo runs in plaintext.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(StoreThumbprint);
}
