using System.Security.Claims;
using System.Security.Cryptography;

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
        var claims = new List<Claim> { new(ProfileTokens.SubjectClaim, subject) };
        if (admin)
        {
            claims.Add(new Claim(ProfileTokens.RoleClaim, ProfileTokens.AdminRole));
        }

        return Sign(claims, lifetime, now, issuer, audience);
    }

    /// <summary>
    /// A machine token for <paramref name="machine"/> listing <paramref name="users"/> as written (not normalised);
    /// the subject and an administrator role can be made wrong on purpose.
    /// </summary>
    public string IssueMachine(string machine, string[] users, string? subject = null, bool admin = false, TimeSpan? lifetime = null, DateTime? now = null)
    {
        var claims = new List<Claim> { new(ProfileTokens.SubjectClaim, subject ?? ProfileTokens.MachineSubjectPrefix + machine), new(ProfileTokens.MachineClaim, machine) };
        claims.AddRange(users.Select(u => new Claim(ProfileTokens.ProfilesClaim, u)));
        if (admin)
        {
            claims.Add(new Claim(ProfileTokens.RoleClaim, ProfileTokens.AdminRole));
        }

        return Sign(claims, lifetime, now);
    }

    private string Sign(List<Claim> claims, TimeSpan? lifetime, DateTime? now, string issuer = ProfileTokens.DefaultIssuer, string audience = ProfileTokens.DefaultAudience)
        => ProfileTokens.Sign(claims, ProfileTokens.LoadPemKey(PrivateKeyFile), now ?? DateTime.UtcNow, lifetime ?? TimeSpan.FromHours(1), issuer, audience);

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
