using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.Profiles.Tests.Support;

/// <summary>A throwaway signing key pair as PEM files (as openssl writes them), and tokens signed with it.</summary>
public sealed class TestKeys : IDisposable
{
    private readonly TempDirectory _folder = new("keys");
    private readonly AsymmetricAlgorithm _key;

    public TestKeys(bool ecdsa = false)
    {
        _key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        PrivateKeyFile = _folder.Combine("signing.key.pem");
        PublicKeyFile = _folder.Combine("signing.pub.pem");
        File.WriteAllText(PrivateKeyFile, _key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(PublicKeyFile, _key.ExportSubjectPublicKeyInfoPem());
    }

    public string PrivateKeyFile { get; }

    public string PublicKeyFile { get; }

    /// <summary>A token for <paramref name="subject"/>; every part can be made wrong on purpose.</summary>
    public string Issue(
        string subject,
        bool admin = false,
        TimeSpan? lifetime = null,
        DateTime? now = null,
        string issuer = ProfileTokens.DefaultIssuer,
        string audience = ProfileTokens.DefaultAudience)
    {
        var issued = now ?? DateTime.UtcNow;
        var claims = new List<Claim> { new(ProfileTokens.SubjectClaim, subject) };
        if (admin)
        {
            claims.Add(new Claim(ProfileTokens.RoleClaim, ProfileTokens.AdminRole));
        }

        var key = ProfileTokens.LoadPemKey(PrivateKeyFile);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issued,
            NotBefore = issued,
            Expires = issued + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(key, ProfileTokens.AlgorithmFor(key)),
        });
    }

    /// <summary>The token with one character of its payload changed: the signature no longer matches.</summary>
    public static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = parts[1].ToCharArray();
        payload[payload.Length / 2] = payload[payload.Length / 2] == 'A' ? 'B' : 'A';
        return $"{parts[0]}.{new string(payload)}.{parts[2]}";
    }

    public void Dispose()
    {
        _key.Dispose();
        _folder.Dispose();
    }
}
