using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>The agent's documented exit codes and one-line errors, as a logon script sees them.</summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class AgentErrorTests(SiloFixture fixture)
{
    [Theory]
    [InlineData(@"contoso\\alice")]
    [InlineData("")]
    [InlineData("alice\u0001")]
    public async Task A_bad_account_name_is_bad_input(string user)
    {
        using var ws = new Workstation("ws", fixture.Silo.Gateway);
        var result = await ws.Agent.RunAsync("status", "--user", user);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("Invalid profile key", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_path_and_an_unknown_snapshot_are_bad_input()
    {
        using var ws = new Workstation("ws", fixture.Silo.Gateway);
        var push = await ws.Agent.RunAsync("push", "--user", @"contoso\judy", "--path", ws.PathOf("does-not-exist"));
        Assert.Equal(ExitCodes.BadInput, push.ExitCode);

        ws.Write("NTUSER.DAT", TestData.HiveLike(4, seed: 400));
        await ws.Agent.SucceedAsync("push", "--user", @"contoso\judy", "--path", ws.Profile);
        var pull = await ws.Agent.RunAsync("pull", "--user", @"contoso\judy", "--path", ws.Profile, "--snapshot", "99");
        Assert.Equal(ExitCodes.BadInput, pull.ExitCode);
        Assert.Contains("has no snapshot 99", pull.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_file_that_cannot_be_replaced_is_a_local_failure_and_the_next_pull_finishes_the_job()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(8, seed: 410));
        ws1.Write(@"AppData\Roaming\a.txt", TestData.RandomBytes(100, seed: 411));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\kim", "--path", ws1.Profile);
        // A folder where the hive goes: the rename of the verified file over it fails on this machine, not in the store.
        Directory.CreateDirectory(ws2.PathOf("NTUSER.DAT"));

        var failed = await ws2.Agent.RunAsync("pull", "--user", @"contoso\kim", "--path", ws2.Profile);

        Assert.Equal(ExitCodes.Failure, failed.ExitCode);
        Assert.Contains("a local file could not be read or written", failed.StandardError, StringComparison.Ordinal);
        Directory.Delete(ws2.PathOf("NTUSER.DAT"));
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\kim", "--path", ws2.Profile);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
    }

    [Fact]
    public async Task An_unreachable_store_is_reported_after_the_retries()
    {
        using var ws = new Workstation("ws", $"127.0.0.1:{Programs.FreePort()}");
        var result = await ws.Agent.RunAsync("status", "--user", @"contoso\kim", "--retries", "2", "--timeout", "2");
        Assert.Equal(ExitCodes.StoreUnavailable, result.ExitCode);
        Assert.Contains("did not answer after 2 attempts", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_over_unpushed_local_changes_is_a_conflict_unless_forced()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(32, seed: 500));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\leo", "--path", ws1.Profile);
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\leo", "--path", ws2.Profile);

        var local = TestData.ChangePages(ws2.Read("NTUSER.DAT"), [1], seed: 501);
        ws2.Write("NTUSER.DAT", local);
        ws1.Write("NTUSER.DAT", TestData.ChangePages(ws1.Read("NTUSER.DAT"), [2], seed: 502));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\leo", "--path", ws1.Profile);

        var refused = await ws2.Agent.RunAsync("pull", "--user", @"contoso\leo", "--path", ws2.Profile);
        Assert.Equal(ExitCodes.Conflict, refused.ExitCode);
        Assert.Contains("NTUSER.DAT", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(local, ws2.Read("NTUSER.DAT"));

        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\leo", "--path", ws2.Profile, "--force");
        Assert.Equal(ws1.Read("NTUSER.DAT"), ws2.Read("NTUSER.DAT"));
    }

    [Fact]
    public async Task A_push_from_a_workstation_that_missed_a_snapshot_wins_and_keeps_the_other_in_history()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(16, seed: 600));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\mia", "--path", ws1.Profile, "--machine", "WS1");
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\mia", "--path", ws2.Profile);

        // Logged on at both machines: each changes its copy; WS1 logs off first, then WS2.
        ws1.Write("NTUSER.DAT", TestData.ChangePages(ws1.Read("NTUSER.DAT"), [3], seed: 601));
        ws2.Write("NTUSER.DAT", TestData.ChangePages(ws2.Read("NTUSER.DAT"), [4], seed: 602));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\mia", "--path", ws1.Profile, "--machine", "WS1");
        var late = await ws2.Agent.SucceedAsync("push", "--user", @"contoso\mia", "--path", ws2.Profile, "--machine", "WS2");

        var snapshot = late.Json.GetProperty("snapshot");
        Assert.Equal(3, snapshot.GetProperty("number").GetInt32());
        Assert.Equal(2, snapshot.GetProperty("replaced").GetInt32());
        Assert.Contains("kept in history", late.StandardError, StringComparison.Ordinal);

        // The replaced snapshot is still there and can be brought back.
        var restore = (await ws1.Agent.SucceedAsync("restore", "--user", @"contoso\mia", "--snapshot", "2")).Json;
        Assert.Equal(4, restore.GetProperty("snapshot").GetProperty("number").GetInt32());
        using var ws3 = new Workstation("ws3", fixture.Silo.Gateway);
        await ws3.Agent.SucceedAsync("pull", "--user", @"contoso\mia", "--path", ws3.Profile);
        Assert.Equal(ws1.Read("NTUSER.DAT"), ws3.Read("NTUSER.DAT"));
    }
}
