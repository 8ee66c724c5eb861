using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>
/// The logoff/logon cycle with real processes: a workstation pushes its profile, changes a few hive
/// pages and pushes again, and another workstation pulls exactly the committed bytes.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class PushPullTests(SiloFixture fixture)
{
    private const int HivePages = 1600; // 6.25 MiB, the size of a real NTUSER.DAT

    [Fact]
    public async Task Second_push_sends_only_changed_pages_and_another_workstation_pulls_identical_bytes()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        using var ws3 = new Workstation("ws3", fixture.Silo.Gateway);
        var hive = TestData.HiveLike(HivePages, seed: 1);
        ws1.Write("NTUSER.DAT", hive);
        ws1.Write("ntuser.dat.LOG1", TestData.HiveLike(16, seed: 2));
        ws1.Write(@"AppData\Roaming\Contoso\settings.ini", TestData.RandomBytes(1000, seed: 3));
        ws1.Write(@"AppData\Roaming\Microsoft\Signatures\work.htm", TestData.RandomBytes(70_000, seed: 4));
        var version1 = ws1.Snapshot();

        var first = (await ws1.Agent.SucceedAsync("push", "--user", @"CONTOSO\Carol", "--path", ws1.Profile, "--machine", "WS1")).Json;
        Assert.Equal(1, first.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(4, first.GetProperty("files").GetInt32());
        // 1600 + 16 hive pages, one small file, and a 70,000-byte file in two 64 KiB chunks.
        Assert.Equal(1619, first.GetProperty("totalChunks").GetInt32());
        Assert.Equal(1619, first.GetProperty("chunksSent").GetInt32());

        int[] changed = [3, 42, 500, 501, 1599];
        ws1.Write("NTUSER.DAT", TestData.ChangePages(hive, changed, seed: 5));
        var version2 = ws1.Snapshot();
        var second = (await ws1.Agent.SucceedAsync("push", "--user", @"contoso\carol", "--path", ws1.Profile, "--machine", "WS1")).Json;
        Assert.Equal(2, second.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(changed.Length, second.GetProperty("chunksSent").GetInt32());
        Assert.Equal(changed.Length * TestData.PageSize, second.GetProperty("bytesSent").GetInt64());
        Assert.False(second.GetProperty("snapshot").GetProperty("isConflict").GetBoolean());

        var pull = (await ws2.Agent.SucceedAsync("pull", "--user", "CONTOSO\\CAROL", "--path", ws2.Profile)).Json;
        Assert.Equal(2, pull.GetProperty("snapshot").GetProperty("number").GetInt32());
        ProfileAssert.SameFiles(version2, ws2.Snapshot());

        await ws3.Agent.SucceedAsync("pull", "--user", @"contoso\carol", "--path", ws3.Profile, "--snapshot", "1");
        ProfileAssert.SameFiles(version1, ws3.Snapshot());

        var history = (await ws2.Agent.SucceedAsync("history", "--user", @"contoso\carol")).Json;
        Assert.Equal([1, 2], history.EnumerateArray().Select(s => s.GetProperty("number").GetInt32()));
        Assert.All(history.EnumerateArray(), s => Assert.Equal("WS1", s.GetProperty("machine").GetString()));
    }

    [Fact]
    public async Task Pushing_unchanged_content_creates_no_snapshot_and_a_second_pull_fetches_nothing()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(64, seed: 10));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\dave", "--path", ws1.Profile);

        var again = (await ws1.Agent.SucceedAsync("push", "--user", @"contoso\dave", "--path", ws1.Profile)).Json;
        Assert.True(again.GetProperty("unchanged").GetBoolean());
        Assert.Equal(1, again.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(0, again.GetProperty("chunksSent").GetInt32());

        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\dave", "--path", ws2.Profile);
        var second = (await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\dave", "--path", ws2.Profile)).Json;
        Assert.Equal(0, second.GetProperty("filesWritten").GetInt32());
        Assert.Equal(0, second.GetProperty("chunksFetched").GetInt32());
    }

    [Fact]
    public async Task A_single_hive_file_is_pushed_and_pulled_to_a_file_path_fetching_only_changed_pages()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        var hive = TestData.HiveLike(256, seed: 20);
        ws1.Write("NTUSER.DAT", hive);
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\erin", "--path", ws1.PathOf("NTUSER.DAT"));
        var target = ws2.PathOf("NTUSER.DAT");
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\erin", "--path", target);
        Assert.Equal(hive, File.ReadAllBytes(target));

        var edited = TestData.ChangePages(hive, [7, 8], seed: 21);
        ws1.Write("NTUSER.DAT", edited);
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\erin", "--path", ws1.PathOf("NTUSER.DAT"));
        var pull = (await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\erin", "--path", target)).Json;
        Assert.Equal(2, pull.GetProperty("chunksFetched").GetInt32());
        Assert.Equal(edited, File.ReadAllBytes(target));
        Assert.Equal(["NTUSER.DAT"], ws2.Snapshot().Keys);
    }

    [Fact]
    public async Task A_file_deleted_on_one_workstation_is_deleted_on_the_other_at_its_next_pull()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(8, seed: 30));
        ws1.Write(@"AppData\Roaming\old.txt", TestData.RandomBytes(100, seed: 31));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\frank", "--path", ws1.Profile);
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\frank", "--path", ws2.Profile);
        ws2.Write(@"AppData\Local\cache.bin", TestData.RandomBytes(100, seed: 32)); // never synced: not the store's to delete

        File.Delete(ws1.PathOf(@"AppData\Roaming\old.txt"));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\frank", "--path", ws1.Profile);
        var pull = (await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\frank", "--path", ws2.Profile)).Json;

        Assert.Equal(1, pull.GetProperty("filesDeleted").GetInt32());
        Assert.Equal([@"AppData\Local\cache.bin", "NTUSER.DAT"], ws2.Snapshot().Keys.Order(StringComparer.Ordinal));
    }
}
