using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.Profiles.Security;

/// <summary>
/// Validates agents' tokens: signature, issuer, audience and lifetime (with a small clock skew); and reads who they
/// name: a user, or a workstation with the users it serves (see <see cref="ProfileTokens.MachineClaim"/>).
/// </summary>
public sealed class ProfileTokenValidator
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters _parameters;
    private readonly string _adminRole;

    public ProfileTokenValidator(IOptions<ProfileAuthenticationOptions> options, TimeProvider time)
    {
        var o = options.Value;
        _adminRole = o.AdminRole;
        var keys = o.AllKeyFiles.Select(ProfileTokens.LoadPemKey).ToList();
        if (o.JwksFile is { Length: > 0 } jwks)
        {
            keys.AddRange(new JsonWebKeySet(File.ReadAllText(jwks)).GetSigningKeys());
        }

        _parameters = new TokenValidationParameters
        {
            ValidIssuer = o.Issuer,
            ValidAudience = o.Audience,
            IssuerSigningKeys = keys,
            ClockSkew = o.ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,

            // Expiry against the silo's TimeProvider (tests move it), with the configured skew either way.
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore.Value <= now + o.ClockSkew) && expires is { } end && end >= now - o.ClockSkew;
            },
        };

        if (o.Authority is { Length: > 0 } authority)
        {
            var metadata = new Uri(new Uri(authority.TrimEnd('/') + "/"), ".well-known/openid-configuration");
            _parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                metadata.ToString(), new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = !metadata.IsLoopback });
        }
    }

    /// <summary>The caller a token names, or a <see cref="NotAuthorizedException"/> saying why it is not valid.</summary>
    public async Task<CallerIdentity> ValidateAsync(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            throw new NotAuthorizedException("the call carries no token");
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid)
        {
            throw new NotAuthorizedException(result.Exception switch
            {
                SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException or SecurityTokenNotYetValidException => "the token has expired or is not valid yet",
                SecurityTokenInvalidAudienceException => "the token is for another audience",
                SecurityTokenInvalidIssuerException => "the token is from another issuer",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is not valid",
                _ => "the token is not valid",
            });
        }

        var claims = result.ClaimsIdentity.Claims.ToList();
        var subject = claims.FirstOrDefault(c => c.Type is ProfileTokens.SubjectClaim or ClaimTypes.NameIdentifier)?.Value;
        var admin = claims.Any(c => c.Type is ProfileTokens.RoleClaim or "roles" or ClaimTypes.Role && c.Value == _adminRole);
        var machines = claims.Where(c => c.Type == ProfileTokens.MachineClaim).Select(c => c.Value).ToList();
        return machines.Count > 0 || subject?.StartsWith(ProfileTokens.MachineSubjectPrefix, StringComparison.OrdinalIgnoreCase) == true
            ? MachineCaller(subject, machines, admin, claims)
            : CallerIdentity.User(ProfileKey.TryParse(subject, out var profile) ? profile : null, admin);
    }

    /// <summary>
    /// A machine token must say the same machine in its subject and its machine claim, list at least one user, and
    /// carry no administrator role; anything else is refused whole rather than read as half a token.
    /// </summary>
    private static CallerIdentity MachineCaller(string? subject, List<string> machines, bool admin, List<Claim> claims)
    {
        if (machines.Count != 1 || !MachineName.TryParse(machines[0], out var machine, out _))
        {
            throw new NotAuthorizedException("the machine token does not name one valid machine");
        }

        if (!string.Equals(subject, ProfileTokens.MachineSubject(machine), StringComparison.OrdinalIgnoreCase))
        {
            throw new NotAuthorizedException($"the machine token for {machine} does not have the subject {ProfileTokens.MachineSubject(machine)}");
        }

        if (admin)
        {
            throw new NotAuthorizedException($"the machine token for {machine} carries the administrator role, which a machine token may not");
        }

        var profiles = new List<ProfileKey>();
        foreach (var claim in claims.Where(c => c.Type == ProfileTokens.ProfilesClaim))
        {
            profiles.Add(ProfileKey.TryParse(claim.Value, out var profile)
                ? profile
                : throw new NotAuthorizedException($"the machine token for {machine} lists a user that is not an account name"));
        }

        return profiles.Count > 0
            ? CallerIdentity.ForMachine(machine, profiles)
            : throw new NotAuthorizedException($"the machine token for {machine} lists no users");
    }
}
