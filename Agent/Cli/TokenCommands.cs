using System.CommandLine;
using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Cli;

/// <summary>
/// <c>token issue</c>: signs a token for a user (or an administrator) with a private key, for tests and
/// for sites without an identity provider. Silos verify it with the matching public key.
/// </summary>
public static class TokenCommands
{
    public static Command Build()
    {
        var user = new Option<string>("--user") { Description = "The account the token is for (its subject)", Required = true, HelpName = "ACCOUNT" };
        var admin = new Option<bool>("--admin") { Description = "Add the administrator role (any profile's status, history, restore and gc)" };
        var keyFile = new Option<string>("--key-file") { Description = "The private key (PEM, RSA or ECDSA, as 'openssl genpkey' writes it)", Required = true, HelpName = "PRIVATE_PEM" };
        var expires = new Option<string>("--expires") { Description = "Lifetime: 30m, 8h, 7d (default 8h)", DefaultValueFactory = _ => "8h", HelpName = "DURATION" };
        var issuer = new Option<string>("--issuer") { Description = "The token's issuer", DefaultValueFactory = _ => ProfileTokens.DefaultIssuer };
        var audience = new Option<string>("--audience") { Description = "The token's audience", DefaultValueFactory = _ => ProfileTokens.DefaultAudience };
        var issue = new Command("issue", "Print a signed token for a user") { user, admin, keyFile, expires, issuer, audience };
        issue.SetAction(parse =>
        {
            try
            {
                var profile = ProfileKey.Parse(parse.GetRequiredValue(user));
                var key = ProfileTokens.LoadPemKey(parse.GetRequiredValue(keyFile));
                var claims = new List<Claim> { new(ProfileTokens.SubjectClaim, profile.Value) };
                if (parse.GetValue(admin))
                {
                    claims.Add(new Claim(ProfileTokens.RoleClaim, ProfileTokens.AdminRole));
                }

                var now = DateTime.UtcNow;
                var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
                {
                    Issuer = parse.GetRequiredValue(issuer),
                    Audience = parse.GetRequiredValue(audience),
                    Subject = new ClaimsIdentity(claims),
                    IssuedAt = now,
                    NotBefore = now,
                    Expires = now + ParseDuration(parse.GetRequiredValue(expires)),
                    SigningCredentials = new SigningCredentials(key, ProfileTokens.AlgorithmFor(key)),
                });
                Console.Out.WriteLine(token);
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ProfileStoreException)
            {
                Console.Error.WriteLine($"profiles-agent: error: {ex.Message}");
                return ExitCodes.BadInput;
            }
        });
        return new Command("token", "Issue tokens (an administrator's command)") { issue };
    }

    /// <summary>Parses <c>90s</c>, <c>30m</c>, <c>8h</c>, <c>7d</c>, or a .NET time span.</summary>
    public static TimeSpan ParseDuration(string value)
    {
        var duration = value.Length > 1 && double.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            ? value[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => (TimeSpan?)null,
            }
            : null;
        duration ??= TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) ? span : null;
        return duration is { } d && d > TimeSpan.Zero ? d : throw new FormatException($"--expires \"{value}\" is not a positive duration such as 30m, 8h or 7d.");
    }
}
