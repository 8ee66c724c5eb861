using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Windows;

/// <summary>
/// Two Wine machines, each running the installed service, against a three-silo cluster on loopback: a push from
/// the first makes the second's copy current with nobody running <c>pull</c> (its first profile there registered in
/// the ProfileList), within a bound the test prints; a change on the second that was not pushed is pushed first,
/// never overwritten; and with the silo holding the second's subscription killed, the next commit still reaches it.
/// The check interval is longer than the test, so every pre-fetch here comes from a notification or a renewal.
/// </summary>
[Collection(OwnProcessesCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class PrefetchWineTests(ITestOutputHelper output)
{
    private const string Account = @"FABRIKAM\roamer";
    private const string Sid = "S-1-5-21-1004336348-1177238915-682003330-1104";
    private const string Folder = @"C:\users\roamer";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_commit_on_one_workstation_is_current_on_the_other_before_logon_local_changes_are_kept_and_a_silo_loss_is_survived()
    {
        var agent = await WindowsAgent.PathAsync();
        await using var cluster = await SiloCluster.StartAsync();
        var machines = await Task.WhenAll(WinePrefix.CreateAsync(), WinePrefix.CreateAsync());
        await using var a = machines[0];
        await using var b = machines[1];
        a.Write($@"{Folder}\NTUSER.DAT", TestData.RegistryHive(64, seed: 21));
        a.Write($@"{Folder}\AppData\Roaming\Contoso\settings.ini", TestData.RandomBytes(2000, seed: 22));

        // A pushes on a short sweep; B's sweep is long, so a change on B stays unpushed until a commit arrives.
        await InstallAsync(a, agent, cluster, "WS-A", sweep: "2s");
        await InstallAsync(b, agent, cluster, "WS-B", sweep: "1h");
        var clock = Stopwatch.StartNew();

        // 1. A's first push reaches B: pre-staged and registered for the first logon there.
        await PushedAsync(a, 1);
        var first = await PulledAsync(b, 1, clock);
        Assert.Equal(Files(a), Files(b));
        var profileList = await b.RunAsync("reg", "query", $@"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList\{Sid}");
        Assert.Contains($"ProfileImagePath    REG_EXPAND_SZ    {Folder}", profileList.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("pending").ValueKind);

        // 2. A registry edit on A: B current without anyone running pull.
        await Hivex.EditAsync(a.LinuxPath($@"{Folder}\NTUSER.DAT"), @"cd \Software", "setval 1", "Theme", "string:dark");
        await PushedAsync(a, 2);
        var second = await PulledAsync(b, 2, clock);
        Assert.Equal("dark", await Hivex.GetAsync(b.LinuxPath($@"{Folder}\NTUSER.DAT"), @"\Software", "Theme"));
        Assert.Equal(Files(a), Files(b));
        output.WriteLine($"commit to current on B: {second.GetProperty("commitToCurrent").GetString()} (B's own measure)");

        // 3. B changed and not pushed, then A commits: B's change is pushed first (a conflict kept in history), never overwritten.
        var mine = TestData.RandomBytes(3000, seed: 23);
        b.Write($@"{Folder}\AppData\Roaming\Contoso\settings.ini", mine);
        a.Write($@"{Folder}\AppData\Roaming\Contoso\other.ini", TestData.RandomBytes(500, seed: 24));
        await PushedAsync(a, 3);
        await PushedAsync(b, 4, reason: "BeforePrefetch");
        Assert.Equal(mine, File.ReadAllBytes(b.LinuxPath($@"{Folder}\AppData\Roaming\Contoso\settings.ini")));
        using var admin = new Workstation("linux-admin", cluster.Gateways[1]);
        var history = (await admin.Agent.SucceedAsync("history", "--user", Account)).Json.EnumerateArray().ToList();
        Assert.Equal([(1, "WS-A", 0), (2, "WS-A", 0), (3, "WS-A", 0), (4, "WS-B", 3)],
            history.Select(s => (s.GetProperty("number").GetInt32(), s.GetProperty("machine").GetString()!, s.GetProperty("replaced").GetInt32())));

        // 4. Kill the silo holding B's subscription; the next commit on A still reaches B.
        var status = await b.RunAsync(agent, "service", "status", "--json");
        var held = status.Json.GetProperty("users").EnumerateArray().Single().GetProperty("subscribedSilo").GetString();
        var victim = cluster.Silos.Single(s => held == $"127.0.0.1:{s.SiloPort}");
        output.WriteLine($"killing {held}, which held B's subscription");
        victim.Process.Kill();
        var killedAt = clock.Elapsed;
        await PulledAsync(a, 4, clock);
        await Hivex.EditAsync(a.LinuxPath($@"{Folder}\NTUSER.DAT"), @"cd \Software", "setval 1", "Theme", "string:light");
        await PushedAsync(a, 5);
        var pushedAt = clock.Elapsed;
        var afterLoss = await PulledAsync(b, 5, clock);
        Assert.Equal("light", await Hivex.GetAsync(b.LinuxPath($@"{Folder}\NTUSER.DAT"), @"\Software", "Theme"));
        Assert.Equal(mine, File.ReadAllBytes(b.LinuxPath($@"{Folder}\AppData\Roaming\Contoso\settings.ini")));
        var resubscribed = (await b.RunAsync(agent, "service", "status", "--json")).Json.GetProperty("users").EnumerateArray().Single().GetProperty("subscribedSilo").GetString();
        Assert.Contains(resubscribed, cluster.Silos.Where(s => s != victim).Select(s => $"127.0.0.1:{s.SiloPort}"));
        output.WriteLine($"after the silo loss: A's push seen {pushedAt - killedAt:g} after the kill; B current {clock.Elapsed - pushedAt:g} after that, {afterLoss.GetProperty("commitToCurrent").GetString()} after the commit (B's own measure)");

        foreach (var machine in new[] { a, b })
        {
            var stop = await machine.RunAsync("net", "stop", "OrleansProfilesAgent");
            Assert.True(stop.ExitCode == 0, stop.ToString());
        }

        output.WriteLine(Log(b));
        Assert.DoesNotContain("[ERR]", Log(b), StringComparison.Ordinal);
        Assert.Contains("[INF] 1500 fabrikam\\roamer: snapshot 2 of WS-A pre-fetched into C:\\users\\roamer at Notification", Log(b), StringComparison.Ordinal);
        Assert.Contains("[INF] 1505 fabrikam\\roamer: first profile on this machine pre-staged in C:\\users\\roamer and registered for " + Sid, Log(b), StringComparison.Ordinal);
    }

    private async Task InstallAsync(WinePrefix machine, string agent, SiloCluster cluster, string name, string sweep)
    {
        var install = await machine.RunAsync([agent, "service", "install", .. cluster.Gateways.SelectMany(g => new[] { "--gateway", g }),
            "--user", $"{Account}={Folder}", "--user-sid", $"{Account}={Sid}", "--machine", name, "--sweep-interval", sweep,
            "--resubscribe-interval", "3s", "--check-interval", "1h"]);
        Assert.True(install.ExitCode == ExitCodes.Success, install.ToString());
        var start = await machine.RunAsync("net", "start", "OrleansProfilesAgent");
        Assert.True(start.ExitCode == 0, start.ToString());
    }

    private static Task<JsonElement> PushedAsync(WinePrefix machine, int snapshot, string? reason = null)
        => FileCondition.WaitAsync(Activity(machine), json => User(json) is { } u && Number(u, "lastPushSnapshot") == snapshot
            && (reason is null || u.GetProperty("lastPushReason").GetString() == reason) ? u : null, Bound, () => Log(machine) + "\nactivity: " + File.ReadAllText(Activity(machine)));

    private async Task<JsonElement> PulledAsync(WinePrefix machine, int snapshot, Stopwatch clock)
    {
        var user = await FileCondition.WaitAsync(Activity(machine), json => User(json) is { } u && Number(u, "lastPullSnapshot") == snapshot ? u : null, Bound, () => Log(machine));
        output.WriteLine($"{clock.Elapsed:g}: snapshot {snapshot} current, {user.GetProperty("commitToCurrent").GetString()} after its commit");
        return user;
    }

    private static int? Number(JsonElement user, string property)
        => user.GetProperty(property) is { ValueKind: JsonValueKind.Number } n ? n.GetInt32() : null;

    private static JsonElement? User(string json)
        => JsonDocument.Parse(json).RootElement.EnumerateArray().SingleOrDefault() is { ValueKind: JsonValueKind.Object } user ? user.Clone() : null;

    private static string Activity(WinePrefix machine) => machine.ServiceActivityFile;

    private static string Log(WinePrefix machine) => machine.ServiceLog();

    /// <summary>The roaming files of the profile folder, by profile path.</summary>
    private static Dictionary<string, string> Files(WinePrefix machine)
    {
        var root = machine.LinuxPath(Folder);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('/', '\\'), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
    }
}
