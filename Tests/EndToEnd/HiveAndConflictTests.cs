using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>What a logoff script sees when a workstation pushes a torn hive, or loses a conflict under KeepCurrent.</summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class HiveAndConflictTests(SiloFixture fixture)
{
    [Fact]
    public async Task A_torn_hive_is_refused_with_bad_input_naming_the_file_and_offset_and_logon_still_gets_the_last_good_one()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        var hive = TestData.HiveLike(64, seed: 1200);
        ws1.Write("NTUSER.DAT", hive);
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\vera", "--path", ws1.Profile);
        var good = ws1.Snapshot();

        // What a crash mid-write leaves: a page of zeros where a hive bin was.
        var torn = TestData.ChangePages(hive, [10], seed: 1201);
        torn.AsSpan(20 * TestData.PageSize, TestData.PageSize).Clear();
        ws1.Write("NTUSER.DAT", torn);
        var refused = await ws1.Agent.RunAsync("push", "--user", @"contoso\vera", "--path", ws1.Profile);

        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains($"Registry hive \"NTUSER.DAT\" is damaged at offset 0x{20 * TestData.PageSize:X}", refused.StandardError, StringComparison.Ordinal);
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\vera", "--path", ws2.Profile);
        ProfileAssert.SameFiles(good, ws2.Snapshot());
    }

    [Fact]
    public async Task Under_KeepCurrent_a_late_push_exits_with_conflict_and_is_kept_for_a_restore()
    {
        using var data = new TempDirectory("e2e-keepcurrent");
        await using var silo = await SiloProcess.StartAsync(data.Path, "--Store:ConflictPolicy=KeepCurrent");
        using var ws1 = new Workstation("ws1", silo.Gateway);
        using var ws2 = new Workstation("ws2", silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(16, seed: 1300));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\walt", "--path", ws1.Profile, "--machine", "WS1");
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\walt", "--path", ws2.Profile);

        ws1.Write("NTUSER.DAT", TestData.ChangePages(ws1.Read("NTUSER.DAT"), [3], seed: 1301));
        ws2.Write("NTUSER.DAT", TestData.ChangePages(ws2.Read("NTUSER.DAT"), [4], seed: 1302));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\walt", "--path", ws1.Profile, "--machine", "WS1");
        var late = await ws2.Agent.RunAsync("push", "--user", @"contoso\walt", "--path", ws2.Profile, "--machine", "WS2");

        Assert.Equal(ExitCodes.Conflict, late.ExitCode);
        Assert.Contains("snapshot 2 became current", late.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, late.Json.GetProperty("snapshot").GetProperty("lostTo").GetInt32());
        var status = (await ws1.Agent.SucceedAsync("status", "--user", @"contoso\walt")).Json.GetProperty("status");
        Assert.Equal(2, status.GetProperty("current").GetProperty("number").GetInt32());

        await ws1.Agent.SucceedAsync("restore", "--user", @"contoso\walt", "--snapshot", "3");
        using var ws3 = new Workstation("ws3", silo.Gateway);
        await ws3.Agent.SucceedAsync("pull", "--user", @"contoso\walt", "--path", ws3.Profile);
        Assert.Equal(ws2.Read("NTUSER.DAT"), ws3.Read("NTUSER.DAT"));
    }
}
