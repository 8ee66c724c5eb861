using System.CommandLine;
using System.Globalization;
using System.Security.Claims;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Cli;

/// <summary>
/// <c>token issue</c>: signs a token for a user (or an administrator), or a machine token for a workstation's
/// service and the users it serves, with a private key, for tests and for sites without an identity provider.
/// Silos verify it with the matching public key.
/// </summary>
public static class TokenCommands
{
    public static readonly TimeSpan DefaultUserLifetime = TimeSpan.FromHours(8);

    /// <summary>A service runs unattended: an 8-hour token would stop its pushes by the evening.</summary>
    public static readonly TimeSpan DefaultMachineLifetime = TimeSpan.FromDays(30);

    public static Command Build()
    {
        var user = new Option<string[]>("--user")
        {
            Description = "The account the token is for (its subject); with --machine, a user whose profile the machine token reaches (repeat it for each)",
            Required = true,
            HelpName = "ACCOUNT",
            Arity = ArgumentArity.OneOrMore,
        };
        var machine = new Option<string>("--machine") { Description = "Issue a machine token for this workstation's service: push, pull and status of the --user profiles only", HelpName = "NAME" };
        var admin = new Option<bool>("--admin") { Description = "Add the administrator role (any profile's status, history, restore and gc)" };
        var keyFile = new Option<string>("--key-file") { Description = "The private key (PEM, RSA or ECDSA, as 'openssl genpkey' writes it)", Required = true, HelpName = "PRIVATE_PEM" };
        var expires = new Option<string>("--expires") { Description = "Lifetime: 30m, 8h, 7d (default 8h; 30d for a machine token)", HelpName = "DURATION" };
        var issuer = new Option<string>("--issuer") { Description = "The token's issuer", DefaultValueFactory = _ => ProfileTokens.DefaultIssuer };
        var audience = new Option<string>("--audience") { Description = "The token's audience", DefaultValueFactory = _ => ProfileTokens.DefaultAudience };
        var issue = new Command("issue", "Print a signed token for a user, or with --machine for a workstation's users") { user, machine, admin, keyFile, expires, issuer, audience };
        issue.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration;
            try
            {
                var users = parse.GetRequiredValue(user);
                var claims = parse.GetValue(machine) is { } name
                    ? MachineClaims(name, users, parse.GetValue(admin))
                    : UserClaims(users, parse.GetValue(admin));
                var lifetime = parse.GetValue(expires) is { } text ? ParseDuration(text) : parse.GetValue(machine) is null ? DefaultUserLifetime : DefaultMachineLifetime;
                var key = ProfileTokens.LoadPemKey(parse.GetRequiredValue(keyFile));
                output.Output.WriteLine(ProfileTokens.Sign(claims, key, DateTime.UtcNow, lifetime, parse.GetRequiredValue(issuer), parse.GetRequiredValue(audience)));
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ProfileStoreException)
            {
                output.Error.WriteLine($"profiles-agent: error: {ex.Message}");
                return ExitCodes.BadInput;
            }
        });
        return new Command("token", "Issue tokens (an administrator's command)") { issue };
    }

    private static IReadOnlyList<Claim> UserClaims(string[] users, bool admin)
        => users.Length == 1
            ? ProfileTokens.UserClaims(ProfileKey.Parse(users[0]), admin)
            : throw new ArgumentException("a user's token is for one --user; to reach several users' profiles from a workstation's service, add --machine NAME.");

    private static IReadOnlyList<Claim> MachineClaims(string name, string[] users, bool admin)
        => admin
            ? throw new ArgumentException("a machine token cannot carry the administrator role: --admin and --machine do not go together.")
            : ProfileTokens.MachineClaims(MachineName.Parse(name), users.Select(u => ProfileKey.Parse(u)));

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
