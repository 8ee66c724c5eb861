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
/// the ProfileList), within a bound the test prints. A second pre-fetch (after another commit) hung the service
/// under Wine, so pre-fetch is opt-in and the later steps, a change on the second not pushed and the loss of the
/// silo holding its subscription, are tested at their interfaces (Tests/Service, Tests/Grains) only (open).
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
    public async Task A_commit_on_one_workstation_is_current_on_the_other_before_logon_and_a_first_profile_is_registered()
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

        foreach (var machine in new[] { a, b })
        {
            var stop = await machine.RunAsync("net", "stop", "OrleansProfilesAgent");
            Assert.True(stop.ExitCode == 0, stop.ToString());
        }

        output.WriteLine(Log(b));
        Assert.DoesNotContain("[ERR]", Log(b), StringComparison.Ordinal);
        Assert.Contains("[INF] 1500 fabrikam\\roamer: snapshot 1 of WS-A pre-fetched into C:\\users\\roamer at ", Log(b), StringComparison.Ordinal);
        Assert.Contains("[INF] 1505 fabrikam\\roamer: first profile on this machine pre-staged in C:\\users\\roamer and registered for " + Sid, Log(b), StringComparison.Ordinal);
    }

    private async Task InstallAsync(WinePrefix machine, string agent, SiloCluster cluster, string name, string sweep)
    {
        var install = await machine.RunAsync([agent, "service", "install", .. cluster.Gateways.SelectMany(g => new[] { "--gateway", g }),
            "--user", $"{Account}={Folder}", "--user-sid", $"{Account}={Sid}", "--machine", name, "--sweep-interval", sweep,
            "--prefetch", "--resubscribe-interval", "3s", "--check-interval", "15s"]);
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
