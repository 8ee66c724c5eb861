using System.CommandLine;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Orleans.Profiles.Agent.Cli;
using Orleans.Profiles.Security;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary><c>token issue</c> in-process: the claims of a user's token and of a machine token, and the combinations it refuses.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class TokenCommandTests : IDisposable
{
    private readonly TestKeys _keys = new(ecdsa: true);

    public void Dispose() => _keys.Dispose();

    [Fact]
    public async Task A_machine_token_names_the_machine_in_upper_case_and_each_listed_users_profile_for_30_days()
    {
        var (exit, output, error) = Run("token", "issue", "--machine", "ws042", "--user", @"CONTOSO\Alice", "--user", "contoso\\bob", "--user", @"contoso\ALICE", "--key-file", _keys.PrivateKeyFile);

        Assert.Equal((ExitCodes.Success, ""), (exit, error));
        var token = new JsonWebTokenHandler().ReadJsonWebToken(output.Trim());
        Assert.Equal(
            [("sub", "machine:WS042"), ("machine", "WS042"), ("profiles", @"contoso\alice"), ("profiles", @"contoso\bob")],
            token.Claims.Where(c => c.Type is "sub" or "machine" or "profiles" or "role").Select(c => (c.Type, c.Value)));
        Assert.Equal(TimeSpan.FromDays(30), token.ValidTo - token.IssuedAt);

        var caller = await Validator().ValidateAsync(output.Trim());
        Assert.Equal((null, false, MachineName.Parse("WS042")), (caller.Profile, caller.IsAdmin, caller.Machine));
        Assert.Equal([@"contoso\alice", @"contoso\bob"], caller.MachineProfiles.Select(p => p.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_users_token_is_as_before_one_user_as_subject_with_the_admin_role_if_asked_for_8_hours()
    {
        var (exit, output, error) = Run("token", "issue", "--user", @"CONTOSO\Alice", "--admin", "--key-file", _keys.PrivateKeyFile);

        Assert.Equal((ExitCodes.Success, ""), (exit, error));
        var token = new JsonWebTokenHandler().ReadJsonWebToken(output.Trim());
        Assert.Equal(
            [("sub", @"contoso\alice"), ("role", ProfileTokens.AdminRole)],
            token.Claims.Where(c => c.Type is "sub" or "machine" or "profiles" or "role").Select(c => (c.Type, c.Value)));
        Assert.Equal(TimeSpan.FromHours(8), token.ValidTo - token.IssuedAt);
        Assert.Equal((ProfileKey.Parse(@"contoso\alice"), true, (MachineName?)null), await Validator().ValidateAsync(output.Trim()) is var c ? (c.Profile, c.IsAdmin, c.Machine) : default);
    }

    [Fact]
    public void A_machine_tokens_lifetime_is_what_expires_says()
    {
        var (exit, output, _) = Run("token", "issue", "--machine", "WS042", "--user", @"contoso\alice", "--expires", "7d", "--key-file", _keys.PrivateKeyFile);

        Assert.Equal(ExitCodes.Success, exit);
        var token = new JsonWebTokenHandler().ReadJsonWebToken(output.Trim());
        Assert.Equal(TimeSpan.FromDays(7), token.ValidTo - token.IssuedAt);
    }

    [Theory]
    [InlineData("--admin --machine WS042 --user contoso\\alice", "a machine token cannot carry the administrator role: --admin and --machine do not go together.")]
    [InlineData("--user contoso\\alice --user contoso\\bob", "a user's token is for one --user; to reach several users' profiles from a workstation's service, add --machine NAME.")]
    [InlineData("--machine WS_042.contoso.com. --user contoso\\alice", "Invalid machine name \"WS_042.contoso.com.\": each dot-separated part must have 1 to 63 characters.")]
    [InlineData("--machine WS:042 --user contoso\\alice", "Invalid machine name \"WS:042\": the machine name contains ':'; only letters, digits, '-' and '_' are allowed.")]
    [InlineData("--machine 042 --user contoso\\alice", "Invalid machine name \"042\": a machine name may not be all digits.")]
    [InlineData("--machine WS042 --user contoso\\alice --user a\\b\\c", "Invalid profile key \"a\\b\\c\": the account name must be DOMAIN\\user, user@domain or user, with one separator at most.")]
    public void A_bad_combination_is_refused_with_one_line_and_no_token(string args, string message)
    {
        var (exit, output, error) = Run(["token", "issue", .. args.Split(' '), "--key-file", _keys.PrivateKeyFile]);

        Assert.Equal((ExitCodes.BadInput, "", $"profiles-agent: error: {message}{Environment.NewLine}"), (exit, output, error));
    }

    [Fact]
    public void A_machine_token_needs_at_least_one_user()
        => Assert.Equal(["Option '--user' is required."], AgentCommands.Build().Parse(["token", "issue", "--machine", "WS042", "--key-file", _keys.PrivateKeyFile]).Errors.Select(e => e.Message));

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var parse = AgentCommands.Build().Parse(args);
        Assert.Empty(parse.Errors);
        var exit = parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private ProfileTokenValidator Validator()
        => new(Options.Create(new ProfileAuthenticationOptions { KeyFile = _keys.PublicKeyFile }), TimeProvider.System);
}
