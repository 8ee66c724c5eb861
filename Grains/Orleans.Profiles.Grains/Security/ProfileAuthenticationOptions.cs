namespace Orleans.Profiles.Security;

/// <summary>
/// How the silo checks the tokens agents send (configuration section <c>Auth</c>). With no key
/// source configured, authentication is off: the local default, usable on loopback only.
/// </summary>
public sealed class ProfileAuthenticationOptions
{
    public const string Section = "Auth";
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(2);

    /// <summary>A public key (PEM) that signs valid tokens; <c>--token-key-file</c>. Silos never need a private key.</summary>
    public string? KeyFile { get; set; }

    /// <summary>More public keys (PEM), for rotating the signing key.</summary>
    public List<string> KeyFiles { get; set; } = [];

    /// <summary>A JSON Web Key Set file, for offline operation with an identity provider's keys.</summary>
    public string? JwksFile { get; set; }

    /// <summary>An OpenID Connect authority whose published keys sign valid tokens (needs the network to reach it).</summary>
    public string? Authority { get; set; }

    public string Issuer { get; set; } = ProfileTokens.DefaultIssuer;

    public string Audience { get; set; } = ProfileTokens.DefaultAudience;

    /// <summary>How far clocks may disagree when checking expiry.</summary>
    public TimeSpan ClockSkew { get; set; } = DefaultClockSkew;

    public string AdminRole { get; set; } = ProfileTokens.AdminRole;

    public bool IsConfigured => KeyFile is { Length: > 0 } || KeyFiles.Count > 0 || JwksFile is { Length: > 0 } || Authority is { Length: > 0 };

    public IEnumerable<string> AllKeyFiles => KeyFile is { Length: > 0 } ? [KeyFile, .. KeyFiles] : KeyFiles;
}
