using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>
/// What roams, with real agent processes: <c>AppData\Local</c> stays on the machine but the second
/// hive roams, <c>--exclude</c> and <c>--include</c> add to the defaults, and a pull never writes or
/// deletes a local file the filter excludes.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class ExclusionTests(SiloFixture fixture)
{
    private const string User = @"contoso\olga";
    private const string Iso = @"AppData\Roaming\Big\*.iso";
    private const string LocalCache = @"AppData\Local\Cache\x";
    private const string IncludeLocalCache = @"AppData\Local\Cache\**";

    private static readonly string[] Roaming =
    [
        "NTUSER.DAT",
        "ntuser.dat.LOG1",
        @"AppData\Local\Microsoft\Windows\UsrClass.dat",
        @"AppData\Local\Microsoft\Windows\UsrClass.dat.LOG1",
        @"AppData\Roaming\Contoso\settings.ini",
        @"AppData\Roaming\Big\readme.txt",
    ];

    [Fact]
    public async Task Only_roaming_paths_are_pushed_and_pulled_and_a_pull_never_touches_an_excluded_local_file()
    {
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        using var ws3 = new Workstation("ws3", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(16, seed: 1400));
        ws1.Write("ntuser.dat.LOG1", TestData.HiveLike(2, seed: 1401));
        ws1.Write(@"AppData\Local\Microsoft\Windows\UsrClass.dat", TestData.HiveLike(8, seed: 1402));
        ws1.Write(@"AppData\Local\Microsoft\Windows\UsrClass.dat.LOG1", TestData.HiveLike(2, seed: 1403));
        ws1.Write(@"AppData\Local\Temp\cache.bin", TestData.RandomBytes(5000, seed: 1404));
        ws1.Write(@"AppData\Roaming\Contoso\settings.ini", TestData.RandomBytes(300, seed: 1405));
        ws1.Write(@"AppData\Roaming\Big\disk.iso", TestData.RandomBytes(200_000, seed: 1406));
        ws1.Write(@"AppData\Roaming\Big\readme.txt", TestData.RandomBytes(100, seed: 1407));

        // A pattern outside the profile folder is bad input, said in one line, before anything is sent.
        var refused = await ws1.Agent.RunAsync("push", "--user", User, "--path", ws1.Profile, "--exclude", @"C:\x");
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Equal(
            [@"profiles-agent: error: the pattern ""C:\x"" is rooted (a drive, a share or a leading '\'): patterns are relative to the profile folder, as AppData\Roaming\Big\*.iso."],
            refused.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        // The defaults leave AppData\Local (but the second hive) on the machine; --exclude leaves the disk image too.
        var pushed = (await ws1.Agent.SucceedAsync("push", "--user", User, "--path", ws1.Profile, "--exclude", Iso)).Json;
        Assert.Equal(1, pushed.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(Roaming.Length, pushed.GetProperty("files").GetInt32());
        Assert.Equal(Roaming.Sum(p => (long)ws1.Read(p).Length), pushed.GetProperty("bytes").GetInt64());

        await ws2.Agent.SucceedAsync("pull", "--user", User, "--path", ws2.Profile);
        ProfileAssert.SameFiles(RoamingOf(ws1), ws2.Snapshot());

        // An agent told to include a local cache (or an older one) put it in the snapshot: a pull here
        // neither writes it nor overwrites this machine's own copy, and sees no conflict in it.
        ws1.Write(LocalCache, TestData.RandomBytes(400, seed: 1408));
        var withCache = (await ws1.Agent.SucceedAsync("push", "--user", User, "--path", ws1.Profile, "--exclude", Iso, "--include", IncludeLocalCache)).Json;
        Assert.Equal(Roaming.Length + 1, withCache.GetProperty("files").GetInt32());
        var ownCache = TestData.RandomBytes(500, seed: 1409);
        ws3.Write(LocalCache, ownCache);
        var pulled = (await ws3.Agent.SucceedAsync("pull", "--user", User, "--path", ws3.Profile)).Json;
        Assert.Equal(Roaming.Length, pulled.GetProperty("files").GetInt32());
        ProfileAssert.SameFiles(new Dictionary<string, byte[]>(RoamingOf(ws1)) { [LocalCache] = ownCache }, ws3.Snapshot());
        var again = (await ws2.Agent.SucceedAsync("pull", "--user", User, "--path", ws2.Profile)).Json;
        Assert.Equal(0, again.GetProperty("filesWritten").GetInt32());
        ProfileAssert.SameFiles(RoamingOf(ws1), ws2.Snapshot());

        // Synced here once with --include, then left out of the next snapshot: a pull with the defaults keeps it.
        await ws2.Agent.SucceedAsync("pull", "--user", User, "--path", ws2.Profile, "--include", IncludeLocalCache);
        Assert.Equal(ws1.Read(LocalCache), ws2.Read(LocalCache));
        ws1.Write(@"AppData\Roaming\Contoso\settings.ini", TestData.RandomBytes(350, seed: 1410));
        var third = (await ws1.Agent.SucceedAsync("push", "--user", User, "--path", ws1.Profile, "--exclude", Iso)).Json;
        Assert.Equal((3, Roaming.Length), (third.GetProperty("snapshot").GetProperty("number").GetInt32(), third.GetProperty("files").GetInt32()));
        var kept = (await ws2.Agent.SucceedAsync("pull", "--user", User, "--path", ws2.Profile)).Json;
        Assert.Equal((1, 0), (kept.GetProperty("filesWritten").GetInt32(), kept.GetProperty("filesDeleted").GetInt32()));
        ProfileAssert.SameFiles(new Dictionary<string, byte[]>(RoamingOf(ws1)) { [LocalCache] = ws1.Read(LocalCache) }, ws2.Snapshot());

        var help = await ws1.Agent.SucceedAsync("push", "--help");
        Assert.Contains(@"--exclude 'AppData\Roaming\Big\*.iso'", help.StandardOutput, StringComparison.Ordinal);
    }

    private static Dictionary<string, byte[]> RoamingOf(Workstation ws) => Roaming.ToDictionary(p => p, ws.Read);
}
