using System.Text.Json;
using Xunit.Abstractions;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Windows;

/// <summary>
/// The agent as a Windows service on a fresh Wine machine, as an administrator installs it: <c>service install</c>,
/// <c>net start</c>, its sweep pushing <c>C:\users\alice</c> to a Linux silo (without what never roams), again after a
/// registry edit, <c>service status</c>, and <c>net stop</c>. Wine delivers no logon or logoff session events, so the
/// logoff push is tested at its interface (Tests/Service).
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class WindowsServiceTests(SiloFixture fixture, ITestOutputHelper output)
{
    private const string Account = @"FABRIKAM\svc-alice";
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_installed_service_pushes_on_its_sweep_again_after_a_registry_edit_honours_exclusions_and_stops_cleanly()
    {
        var agent = await WindowsAgent.PathAsync();
        await using var wine = await WinePrefix.CreateAsync();
        wine.Write(@"C:\users\alice\NTUSER.DAT", TestData.RegistryHive(64, seed: 11));
        wine.Write(@"C:\users\alice\AppData\Local\Microsoft\Windows\UsrClass.dat", TestData.RegistryHive(8, seed: 12));
        wine.Write(@"C:\users\alice\AppData\Roaming\Contoso\settings.ini", TestData.RandomBytes(1000, seed: 13));
        wine.Write(@"C:\users\alice\AppData\Local\Temp\cache.bin", TestData.RandomBytes(9000, seed: 14));
        wine.Write(@"C:\users\alice\AppData\Roaming\Big\disk.iso", TestData.RandomBytes(20_000, seed: 15));
        var root = wine.LinuxPath(@"C:\ProgramData");
        var activity = wine.ServiceActivityFile;
        string Log() => wine.ServiceLog();

        var install = await wine.RunAsync(agent, "service", "install", "--gateway", fixture.Silo.Gateway, "--user", $@"{Account}=C:\users\alice",
            "--sweep-interval", "2s", "--machine", "WS-WINE-SVC", "--exclude", @"AppData\Roaming\Big\*.iso");
        Assert.True(install.ExitCode == ExitCodes.Success, install.ToString());
        output.WriteLine($"service install: {install}");
        Assert.Equal(
            @"OrleansProfilesAgent installed (automatic start, LocalSystem); configuration in C:\ProgramData\Orleans.Profiles\agent.json; start it with 'net start OrleansProfilesAgent'.",
            install.StandardOutput.Trim());
        var registration = await wine.RunAsync("reg", "query", @"HKLM\System\CurrentControlSet\Services\OrleansProfilesAgent");
        Assert.Contains("ObjectName    REG_SZ    LocalSystem", registration.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Start    REG_DWORD    0x2", registration.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"ImagePath    REG_SZ    \"{WindowsPath(agent)}\" service run", registration.StandardOutput, StringComparison.Ordinal);

        var start = await wine.RunAsync("net", "start", "OrleansProfilesAgent");
        Assert.True(start.ExitCode == 0, start.ToString());

        // The first sweep, at start: alice is not logged on and was never pushed.
        var first = await FileCondition.WaitAsync(activity, json => Pushed(json, 1), PushTimeout, Log);
        Assert.Equal("Sweep", first.GetProperty("lastPushReason").GetString());
        using var ws = new Workstation("linux-ws", fixture.Silo.Gateway);
        await ws.Agent.SucceedAsync("pull", "--user", Account, "--path", ws.Profile);
        Assert.Equal(
            ["AppData\\Local\\Microsoft\\Windows\\UsrClass.dat", "AppData\\Roaming\\Contoso\\settings.ini", "NTUSER.DAT"],
            ws.Snapshot().Keys.Order(StringComparer.Ordinal));

        // A registry edit while the service runs: the next sweep sees the hive written and pushes it.
        var ntuser = wine.LinuxPath(@"C:\users\alice\NTUSER.DAT");
        await Hivex.EditAsync(ntuser, @"cd \Software", "setval 1", "Theme", "string:dark");
        await FileCondition.WaitAsync(activity, json => Pushed(json, 2), PushTimeout, Log);
        await ws.Agent.SucceedAsync("pull", "--user", Account, "--path", ws.Profile);
        Assert.Equal(File.ReadAllBytes(ntuser), ws.Read("NTUSER.DAT"));
        Assert.Equal("dark", await Hivex.GetAsync(ws.PathOf("NTUSER.DAT"), @"\Software", "Theme"));
        var history = await ws.Agent.SucceedAsync("history", "--user", Account);
        Assert.Equal(["WS-WINE-SVC", "WS-WINE-SVC"], history.Json.EnumerateArray().Select(s => s.GetProperty("machine").GetString()));

        var status = await wine.RunAsync(agent, "service", "status", "--json");
        Assert.True(status.ExitCode == ExitCodes.Success, status.ToString());
        var user = status.Json.GetProperty("users").EnumerateArray().Single();
        Assert.Equal(("Running", "fabrikam\\svc-alice", 2, JsonValueKind.Null),
            (status.Json.GetProperty("service").GetString(), user.GetProperty("account").GetString(), user.GetProperty("lastPushSnapshot").GetInt32(), user.GetProperty("pending").ValueKind));

        var logFile = Directory.GetFiles(Path.Combine(root, "Orleans.Profiles", "logs")).Single();
        var stop = await wine.RunAsync("net", "stop", "OrleansProfilesAgent");
        Assert.True(stop.ExitCode == 0, stop.ToString());

        // The service's last line may land just after the service control manager reports it stopped.
        const string stopping = "[INF] 1001 Stopping: a push in flight gets up to 00:02:00 to finish";
        await FileCondition.WaitAsync(logFile, text => text.Contains(stopping, StringComparison.Ordinal) ? default(JsonElement) : null, PushTimeout, Log);
        var log = Log();
        output.WriteLine(log);
        Assert.Contains("[INF] 1000 Started on WS-WINE-SVC: 1 roaming user(s), a sweep every 00:00:02, store " + fixture.Silo.Gateway + ", pre-shutdown accepted: True", log, StringComparison.Ordinal);
        Assert.Contains(@"[INF] 1200 fabrikam\svc-alice: pushed C:\users\alice at Sweep as snapshot 1 (3 file(s), ", log, StringComparison.Ordinal);
        Assert.Contains(@"[INF] 1200 fabrikam\svc-alice: pushed C:\users\alice at Sweep as snapshot 2 (3 file(s), ", log, StringComparison.Ordinal);
        Assert.DoesNotContain("[ERR]", log, StringComparison.Ordinal);

        var uninstall = await wine.RunAsync(agent, "service", "uninstall");
        Assert.True(uninstall.ExitCode == ExitCodes.Success, uninstall.ToString());
    }

    /// <summary>The user's activity once the service has pushed <paramref name="snapshot"/>, else null.</summary>
    private static JsonElement? Pushed(string json, int snapshot)
    {
        var user = JsonDocument.Parse(json).RootElement.EnumerateArray().SingleOrDefault();
        return user.ValueKind == JsonValueKind.Object && user.GetProperty("lastPushSnapshot") is { ValueKind: JsonValueKind.Number } number && number.GetInt32() == snapshot
            ? user.Clone()
            : null;
    }

    private static string WindowsPath(string linuxPath) => "Z:" + linuxPath.Replace('/', '\\');

}
