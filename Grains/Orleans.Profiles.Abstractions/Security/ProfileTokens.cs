using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.Profiles;

/// <summary>What agents and silos agree on about tokens: where a call carries one, what its claims mean.</summary>
public static class ProfileTokens
{
    /// <summary>The <c>RequestContext</c> key of the caller's token (set by the agent's outgoing call filter).</summary>
    public const string RequestContextKey = "orleans-profiles-token";

    public const string DefaultIssuer = "orleans-profiles";
    public const string DefaultAudience = "orleans-profiles";

    /// <summary>The role that reaches any profile's history, restore and garbage collection.</summary>
    public const string AdminRole = "profiles-admin";

    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";

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
