using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>Tokens with real processes: the agent's own token command, a silo that requires them, and the refusals a user sees.</summary>
[Collection(OwnProcessesCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class SecurityTests
{
    [Fact]
    public async Task Only_the_users_own_token_reaches_their_profile_an_admin_reaches_its_history_and_a_machine_token_its_users_only()
    {
        using var keys = new TestKeys(ecdsa: true);
        using var data = new TempDirectory("e2e-auth");
        await using var silo = await SiloProcess.StartAsync(data.Path, "--token-key-file", keys.PublicKeyFile);
        Assert.Contains("Authentication on", silo.Process.StandardOutput, StringComparison.Ordinal);
        using var ws1 = new Workstation("ws1", silo.Gateway);
        using var ws2 = new Workstation("ws2", silo.Gateway);

        var issued = await ws1.Agent.SucceedAsync("token", "issue", "--user", @"CONTOSO\Alice", "--key-file", keys.PrivateKeyFile, "--expires", "8h");
        var tokenFile = Path.Combine(ws1.Agent.StateDirectory, "..", "alice.token");
        await File.WriteAllTextAsync(tokenFile, issued.StandardOutput);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(32, seed: 1100));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\alice", "--path", ws1.Profile, "--token-file", tokenFile);

        // The token in the environment, as a logon script would pass it.
        ws2.Agent.Environment["PROFILES_TOKEN"] = issued.StandardOutput.Trim();
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\alice", "--path", ws2.Profile);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());

        using var ws3 = new Workstation("ws3", silo.Gateway);
        var anonymous = await ws3.Agent.RunAsync("pull", "--user", @"contoso\alice", "--path", ws3.Profile);
        Assert.Equal(ExitCodes.NotAuthorized, anonymous.ExitCode);
        Assert.Contains("no token", anonymous.StandardError, StringComparison.Ordinal);
        Assert.Empty(ws3.Snapshot());

        ws3.Agent.Environment["PROFILES_TOKEN"] = (await ws1.Agent.SucceedAsync("token", "issue", "--user", @"contoso\mallory", "--key-file", keys.PrivateKeyFile)).StandardOutput.Trim();
        ws3.Write("NTUSER.DAT", TestData.HiveLike(32, seed: 1101));
        var intruder = await ws3.Agent.RunAsync("push", "--user", @"contoso\alice", "--path", ws3.Profile);
        Assert.Equal(ExitCodes.NotAuthorized, intruder.ExitCode);

        // An expired token (beyond the 2-minute skew) and a tampered one are refused the same way.
        foreach (var bad in new[] { keys.Issue(@"contoso\alice", lifetime: TimeSpan.FromMinutes(5), now: DateTime.UtcNow - TimeSpan.FromMinutes(10)), TestKeys.Tamper(issued.StandardOutput.Trim()) })
        {
            ws3.Agent.Environment["PROFILES_TOKEN"] = bad;
            var refused = await ws3.Agent.RunAsync("status", "--user", @"contoso\alice");
            Assert.Equal(ExitCodes.NotAuthorized, refused.ExitCode);
        }

        var helpdesk = new Workstation("helpdesk", silo.Gateway);
        helpdesk.Agent.Environment["PROFILES_TOKEN"] = (await ws1.Agent.SucceedAsync("token", "issue", "--user", @"contoso\helpdesk", "--admin", "--key-file", keys.PrivateKeyFile)).StandardOutput.Trim();
        var history = (await helpdesk.Agent.SucceedAsync("history", "--user", @"contoso\alice")).Json;
        Assert.Equal([1], history.EnumerateArray().Select(s => s.GetProperty("number").GetInt32()));
        Assert.Equal(ExitCodes.NotAuthorized, (await helpdesk.Agent.RunAsync("pull", "--user", @"contoso\alice", "--path", helpdesk.Profile)).ExitCode);
        helpdesk.Dispose();

        // A workstation's service with a machine token: push, pull and status of its users' profiles, nothing else.
        var adminMachine = await ws1.Agent.RunAsync("token", "issue", "--machine", "WS042", "--admin", "--user", @"contoso\alice", "--key-file", keys.PrivateKeyFile);
        Assert.Equal((ExitCodes.BadInput, "", "profiles-agent: error: a machine token cannot carry the administrator role: --admin and --machine do not go together.\n"), (adminMachine.ExitCode, adminMachine.StandardOutput, adminMachine.StandardError));
        using var ws042 = new Workstation("ws042", silo.Gateway);
        var machineTokenFile = Path.Combine(ws042.Agent.StateDirectory, "..", "machine.token");
        var machineToken = await ws1.Agent.SucceedAsync("token", "issue", "--machine", "ws042", "--user", @"CONTOSO\Alice", "--user", @"contoso\bob", "--key-file", keys.PrivateKeyFile, "--expires", "30d");
        await File.WriteAllTextAsync(machineTokenFile, machineToken.StandardOutput);
        await ws042.Agent.SucceedAsync("pull", "--user", @"contoso\alice", "--path", ws042.Profile, "--token-file", machineTokenFile);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws042.Snapshot());
        ws042.Write(@"AppData\Roaming\notes.txt", "pushed by the service of WS042"u8.ToArray());
        var pushed = await ws042.Agent.SucceedAsync("push", "--user", @"contoso\alice", "--path", ws042.Profile, "--machine", "WS042", "--token-file", machineTokenFile);
        Assert.Equal((2, "WS042"), (pushed.Json.GetProperty("snapshot").GetProperty("number").GetInt32(), pushed.Json.GetProperty("snapshot").GetProperty("machine").GetString()));
        var status = (await ws042.Agent.SucceedAsync("status", "--user", @"contoso\alice", "--token-file", machineTokenFile)).Json.GetProperty("status");
        Assert.Equal(2, status.GetProperty("current").GetProperty("number").GetInt32());

        var carol = await ws042.Agent.RunAsync("push", "--user", @"contoso\carol", "--path", ws042.Profile, "--machine", "WS042", "--token-file", machineTokenFile);
        Assert.Equal(ExitCodes.NotAuthorized, carol.ExitCode);
        Assert.Contains("the machine token for WS042 does not list this profile among its users", carol.StandardError, StringComparison.Ordinal);
        await silo.Process.WaitForLineAsync(l => l.Contains("Denied", StringComparison.Ordinal) && l.Contains(@"contoso\carol", StringComparison.Ordinal) && l.Contains("machine token for WS042", StringComparison.Ordinal), "the silo's log of the machine's refused push");
        var restore = await ws042.Agent.RunAsync("restore", "--user", @"contoso\alice", "--snapshot", "1", "--token-file", machineTokenFile);
        Assert.Equal(ExitCodes.NotAuthorized, restore.ExitCode);
        Assert.Contains("the machine token for WS042 may not call Restore", restore.StandardError, StringComparison.Ordinal);

        Assert.DoesNotContain(issued.StandardOutput.Trim(), silo.Process.StandardOutput + silo.Process.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(machineToken.StandardOutput.Trim(), silo.Process.StandardOutput + silo.Process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_token_keys_the_silo_refuses_to_listen_beyond_loopback()
    {
        using var data = new TempDirectory("e2e-noauth");
        await using var silo = ChildProcess.Start(Programs.SiloPath, ["--data", data.Path, "--listen-any", "--silo-port", $"{Programs.FreePort()}", "--gateway-port", $"{Programs.FreePort()}", "--health-port", $"{Programs.FreePort()}"]);
        Assert.Equal(2, await silo.WaitForExitAsync());
        Assert.Contains("serves loopback only", silo.StandardError, StringComparison.Ordinal);
    }
}
