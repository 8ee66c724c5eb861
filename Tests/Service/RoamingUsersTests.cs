using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Agent.Service;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Service;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class RoamingUsersTests
{
    private static readonly FakeProfileList Registry = new(
        new("S-1-5-18", @"NT AUTHORITY\SYSTEM", @"C:\Windows\system32\config\systemprofile"),
        new("S-1-5-19", @"NT AUTHORITY\LOCAL SERVICE", @"C:\Windows\ServiceProfiles\LocalService"),
        new("S-1-5-21-1004336348-1177238915-682003330-1001", @"WS042\admin", @"C:\Users\admin"),
        new("S-1-5-21-3623811015-3361044348-30300820-1013", @"CONTOSO\alice", @"C:\Users\alice"),
        new("S-1-5-21-3623811015-3361044348-30300820-1014", @"contoso\Bob", @"C:\Users\bob.CONTOSO"),
        new("S-1-5-21-3623811015-3361044348-30300820-1015", null, @"C:\Users\deleted"),
        new("S-1-5-21-1111111111-2222222222-3333333333-1100", @"FABRIKAM\carol", @"C:\Users\carol"),
        new("S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415", @"IIS APPPOOL\DefaultAppPool", @"C:\Users\DefaultAppPool"));

    private static IReadOnlyList<RoamingUser> Resolve(AgentServiceOptions options)
        => new RoamingUsers(Options.Create(options), Registry, NullLogger<RoamingUsers>.Instance).Resolve();

    [Fact]
    public void Only_the_configured_users_roam_unless_discovery_is_asked_for()
    {
        var users = Resolve(new AgentServiceOptions { Machine = "WS042", Users = [new() { Account = @"contoso\ALICE", Folder = @"D:\Profiles\alice" }] });

        Assert.Equal([new RoamingUser(ProfileKey.Parse(@"CONTOSO\alice"), @"D:\Profiles\alice")], users);
    }

    [Fact]
    public void Discovery_takes_the_domain_accounts_never_local_service_or_unresolved_ones()
    {
        var users = Resolve(new AgentServiceOptions { Machine = "ws042", DiscoverDomainUsers = true });

        Assert.Equal(
            [(@"contoso\alice", @"C:\Users\alice"), (@"contoso\bob", @"C:\Users\bob.CONTOSO"), (@"fabrikam\carol", @"C:\Users\carol")],
            users.Select(u => (u.Account.Value, u.Folder)));
    }

    [Fact]
    public void A_pattern_narrows_discovery_case_insensitively_and_a_configured_folder_wins()
    {
        var users = Resolve(new AgentServiceOptions
        {
            Machine = "WS042",
            DiscoverDomainUsers = true,
            AccountPattern = @"contoso\*",
            Users = [new() { Account = @"CONTOSO\bob", Folder = @"E:\bob" }],
        });

        Assert.Equal([(@"contoso\alice", @"C:\Users\alice"), (@"contoso\bob", @"E:\bob")], users.Select(u => (u.Account.Value, u.Folder)));
    }
}
