using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.Profiles;

/// <summary>What agents and silos agree on about tokens: where a call carries one, what its claims mean.</summary>
public static class ProfileTokens
{
    /// <summary>The <c>RequestContext</c> key of the caller's token (set by the agent's outgoing call filter).</summary>
    public const string RequestContextKey = "orleans-profiles-token";

    /// <summary>
    /// The <c>RequestContext</c> key under which the silo's authorisation filter puts who the validated caller is
    /// (the token's subject), for the audit log; the filter overwrites whatever a client sent under it.
    /// </summary>
    public const string CallerContextKey = "orleans-profiles-caller";

    public const string DefaultIssuer = "orleans-profiles";
    public const string DefaultAudience = "orleans-profiles";

    /// <summary>The role that reaches any profile's history, restore and garbage collection.</summary>
    public const string AdminRole = "profiles-admin";

    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";

    /// <summary>A machine token's workstation (<see cref="MachineName"/>, upper case).</summary>
    public const string MachineClaim = "machine";

    /// <summary>A machine token's users, one claim (JSON array element) per profile key it reaches.</summary>
    public const string ProfilesClaim = "profiles";

    /// <summary>
    /// A machine token's subject is this and the machine's name. No account name contains ':', so a machine
    /// token can never be read as the token of a user who happens to be named like a machine.
    /// </summary>
    public const string MachineSubjectPrefix = "machine:";

    public static string MachineSubject(MachineName machine) => MachineSubjectPrefix + machine.Value;

    /// <summary>The claims of a user's token: the account as subject, and the administrator role if asked.</summary>
    public static IReadOnlyList<Claim> UserClaims(ProfileKey user, bool admin)
        => admin ? [new(SubjectClaim, user.Value), new(RoleClaim, AdminRole)] : [new(SubjectClaim, user.Value)];

    /// <summary>The claims of a machine token: <c>machine:NAME</c> as subject, the machine, and each user's profile once.</summary>
    public static IReadOnlyList<Claim> MachineClaims(MachineName machine, IEnumerable<ProfileKey> users)
        => [new(SubjectClaim, MachineSubject(machine)), new(MachineClaim, machine.Value), .. users.Distinct().Select(u => new Claim(ProfilesClaim, u.Value))];

    /// <summary>A signed JWT with <paramref name="claims"/>, valid from <paramref name="now"/> for <paramref name="lifetime"/>.</summary>
    public static string Sign(IEnumerable<Claim> claims, SecurityKey key, DateTime now, TimeSpan lifetime, string issuer = DefaultIssuer, string audience = DefaultAudience)
        => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key, AlgorithmFor(key)),
        });

    /// <summary>
    /// Reads an RSA or ECDSA key from a PEM file, as <c>openssl genpkey</c> or <c>openssl pkey -pubout</c>
    /// writes it: a private key signs (the token command), a public key verifies (the silo).
    /// </summary>
    public static SecurityKey LoadPemKey(string path)
    {
        var pem = File.ReadAllText(path);
        var id = Path.GetFileNameWithoutExtension(path);
        if (pem.Contains("EC PRIVATE KEY", StringComparison.Ordinal) || LooksLikeEc(pem))
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            return new ECDsaSecurityKey(ecdsa) { KeyId = id };
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa) { KeyId = id };
    }

    /// <summary>The JWS algorithm for a key: RS256 for RSA, ES256/384/512 by curve for ECDSA.</summary>
    public static string AlgorithmFor(SecurityKey key) => key switch
    {
        ECDsaSecurityKey ec => ec.ECDsa.KeySize switch
        {
            256 => SecurityAlgorithms.EcdsaSha256,
            384 => SecurityAlgorithms.EcdsaSha384,
            _ => SecurityAlgorithms.EcdsaSha512,
        },
        _ => SecurityAlgorithms.RsaSha256,
    };

    private static bool LooksLikeEc(string pem)
    {
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
