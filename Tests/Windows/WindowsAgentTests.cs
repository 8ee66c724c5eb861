using Orleans.Profiles.Hives;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Windows;

/// <summary>
/// The Windows build of the agent on a Windows machine (Wine 8, one fresh prefix) against a silo on Linux over
/// loopback: a user's profile pushed from <c>C:\users\alice</c>, pushed again after a registry edit, and pulled into
/// <c>C:\users\bob</c> as another workstation would.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class WindowsAgentTests(SiloFixture fixture)
{
    private const int HivePages = 64;

    [Fact]
    public async Task Pushes_a_profile_from_Windows_then_only_the_pages_of_a_registry_edit_and_pulls_identical_files()
    {
        var agent = await WindowsAgent.PathAsync();
        await using var wine = await WinePrefix.CreateAsync();
        var alice = wine.LinuxPath(@"C:\users\alice");
        var hive = TestData.RegistryHive(HivePages, seed: 1);
        wine.Write(@"C:\users\alice\NTUSER.DAT", hive);
        wine.Write(@"C:\users\alice\AppData\Roaming\Contoso\settings.ini", TestData.RandomBytes(1000, seed: 2));
        wine.Write(@"C:\users\alice\AppData\Roaming\Microsoft\Signatures\work.htm", TestData.RandomBytes(70_000, seed: 3));

        async Task<System.Text.Json.JsonElement> Agent(string stateDirectory, params string[] args)
        {
            var result = await wine.RunAsync([agent, .. args, "--gateway", fixture.Silo.Gateway, "--state-dir", stateDirectory, "--json"]);
            Assert.True(result.ExitCode == ExitCodes.Success, $"profiles-agent.exe {string.Join(' ', args)}: {result}");
            return result.Json;
        }

        var first = await Agent(@"C:\ws1", "push", "--user", @"FABRIKAM\alice", "--path", @"C:\users\alice", "--machine", "WS1");
        Assert.Equal(1, first.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(3, first.GetProperty("files").GetInt32());
        // 64 hive pages, one small file, and a 70,000-byte file in two 64 KiB chunks.
        Assert.Equal(HivePages + 3, first.GetProperty("chunksSent").GetInt32());

        // A registry edit on the Linux side, as regedit would make it: the base block, the key's page and a new bin.
        var ntuser = wine.LinuxPath(@"C:\users\alice\ntuser.dat");
        await Hivex.EditAsync(ntuser, @"cd \Software", "setval 1", "Theme", "string:dark");
        Assert.Null(HiveChecker.Check(ntuser, File.ReadAllBytes(ntuser)).Problem);
        var second = await Agent(@"C:\ws1", "push", "--user", @"fabrikam\ALICE", "--path", @"C:\users\alice", "--machine", "WS1");
        Assert.Equal(2, second.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(HivePages + 4, second.GetProperty("totalChunks").GetInt32());
        Assert.Equal(3, second.GetProperty("chunksSent").GetInt32());
        Assert.Equal(3 * TestData.PageSize, second.GetProperty("bytesSent").GetInt64());

        var pull = await Agent(@"C:\ws2", "pull", "--user", @"fabrikam\alice", "--path", @"C:\users\bob");
        Assert.Equal(2, pull.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(3, pull.GetProperty("filesWritten").GetInt32());
        ProfileAssert.SameFiles(Files(alice), Files(wine.LinuxPath(@"C:\users\bob")));
        Assert.Equal("dark", await Hivex.GetAsync(wine.LinuxPath(@"C:\users\bob\NTUSER.DAT"), @"\Software", "Theme"));

        // Another edit, pulled onto the copy that holds the last one: only the changed pages travel, as deltas.
        await Hivex.EditAsync(ntuser, @"cd \Software", "setval 1", "Theme", "string:light");
        await Agent(@"C:\ws1", "push", "--user", @"fabrikam\alice", "--path", @"C:\users\alice", "--machine", "WS1");
        var onBase = await Agent(@"C:\ws2", "pull", "--user", @"fabrikam\alice", "--path", @"C:\users\bob");
        Assert.Equal(3, onBase.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(1, onBase.GetProperty("filesWritten").GetInt32());
        ProfileAssert.SameFiles(Files(alice), Files(wine.LinuxPath(@"C:\users\bob")));
        Assert.Equal("light", await Hivex.GetAsync(wine.LinuxPath(@"C:\users\bob\NTUSER.DAT"), @"\Software", "Theme"));
    }


    /// <summary>Every file under a folder with its bytes, keyed by its path with '\' separators.</summary>
    private static Dictionary<string, byte[]> Files(string folder)
        => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '\\'), File.ReadAllBytes);
}
