using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>
/// KB Q191834 at the workstation: the agent is killed in the middle of a transfer. The store must
/// keep serving the previous snapshot byte for byte, the workstation must keep its previous file,
/// and the next run must resume rather than start over.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class InterruptionTests(SiloFixture fixture)
{
    private const int HivePages = 1600;

    // 1 MiB/s: a 6.25 MiB transfer takes about six seconds, so a kill after the first batch lands mid-transfer.
    private const string SlowLink = "1024";

    [Fact]
    public async Task A_push_killed_midway_leaves_the_previous_snapshot_current_and_the_next_push_resumes()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 100));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\grace", "--path", ws1.Profile);
        var version1 = ws1.Snapshot();

        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 101));
        var version2 = ws1.Snapshot();
        await using (var push = ws1.Agent.Start("push", "--user", @"contoso\grace", "--path", ws1.Profile, "--bwlimit", SlowLink))
        {
            await push.WaitForLineAsync(l => l.StartsWith("progress: push", StringComparison.Ordinal), "the first acknowledged batch");
            push.Kill();
        }

        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\grace", "--path", ws2.Profile);
        ProfileAssert.SameFiles(version1, ws2.Snapshot());
        var status = (await ws2.Agent.SucceedAsync("status", "--user", @"contoso\grace")).Json.GetProperty("status");
        Assert.Equal(1, status.GetProperty("current").GetProperty("number").GetInt32());
        Assert.Equal(1, status.GetProperty("openSessions").GetInt32());

        var resumed = (await ws1.Agent.SucceedAsync("push", "--user", @"contoso\grace", "--path", ws1.Profile)).Json;
        Assert.Equal(2, resumed.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(HivePages, resumed.GetProperty("totalChunks").GetInt32());
        // At least the first 1 MiB batch (256 pages) was staged before the kill and is not sent again.
        Assert.InRange(resumed.GetProperty("chunksSent").GetInt32(), 1, HivePages - 256);

        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\grace", "--path", ws2.Profile);
        ProfileAssert.SameFiles(version2, ws2.Snapshot());
        status = (await ws2.Agent.SucceedAsync("status", "--user", @"contoso\grace")).Json.GetProperty("status");
        Assert.Equal(0, status.GetProperty("openSessions").GetInt32());
    }

    [Fact]
    public async Task A_pull_killed_midway_leaves_the_old_local_file_untouched_and_the_next_pull_completes()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 200));
        ws1.Write(@"AppData\Roaming\app.ini", TestData.RandomBytes(5000, seed: 201));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\heidi", "--path", ws1.Profile);
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\heidi", "--path", ws2.Profile);
        var before = ws2.Snapshot();

        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 202));
        ws1.Write(@"AppData\Roaming\app.ini", TestData.RandomBytes(6000, seed: 203));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\heidi", "--path", ws1.Profile);
        await using (var pull = ws2.Agent.Start("pull", "--user", @"contoso\heidi", "--path", ws2.Profile, "--bwlimit", SlowLink))
        {
            await pull.WaitForLineAsync(l => l.StartsWith("progress: pull", StringComparison.Ordinal), "the first fetched batch");
            pull.Kill();
        }

        // Every old file is intact; only the interrupted temporary file may be left beside it.
        var afterKill = ws2.Snapshot().Where(f => !f.Key.EndsWith(".profiles-tmp", StringComparison.Ordinal)).ToDictionary();
        ProfileAssert.SameFiles(before, afterKill);

        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\heidi", "--path", ws2.Profile);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
    }
}
