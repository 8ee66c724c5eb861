using System.Diagnostics;
using Orleans.Profiles.Tests.Support;
using Xunit.Abstractions;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>Three silos over Azurite, as real processes: any gateway serves any user, and a dead silo costs a retry, not an upload.</summary>
[Collection(OwnProcessesCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int HivePages = 1600;
    private SiloCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SiloCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_profile_pushed_through_one_gateway_is_pulled_through_another()
    {
        using var ws1 = new Workstation("ws1", _cluster.Gateways[0]);
        using var ws2 = new Workstation("ws2", _cluster.Gateways[2]);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 700));
        ws1.Write(@"AppData\Roaming\app.ini", TestData.RandomBytes(3000, seed: 701));
        var push = (await ws1.Agent.SucceedAsync("push", "--user", @"contoso\nina", "--path", ws1.Profile)).Json;
        Assert.Equal(HivePages + 1, push.GetProperty("chunksSent").GetInt32());

        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\nina", "--path", ws2.Profile);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());

        ws2.Write("NTUSER.DAT", TestData.ChangePages(ws2.Read("NTUSER.DAT"), [9, 10], seed: 702));
        var back = (await ws2.Agent.SucceedAsync("push", "--user", @"contoso\nina", "--path", ws2.Profile)).Json;
        Assert.Equal(2, back.GetProperty("chunksSent").GetInt32());
        await ws1.Agent.SucceedAsync("pull", "--user", @"contoso\nina", "--path", ws1.Profile);
        ProfileAssert.SameFiles(ws2.Snapshot(), ws1.Snapshot());
    }

    [Fact]
    public async Task Killing_the_silo_that_hosts_the_profile_mid_upload_fails_over_and_the_commit_completes()
    {
        using var ws1 = new Workstation("ws1", _cluster.Gateways);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 800));
        await using var push = ws1.Agent.Start("push", "--user", @"contoso\omar", "--path", ws1.Profile, "--bwlimit", "1024");
        var host = await _cluster.WaitForUploadHostAsync(@"contoso\omar");
        await push.WaitForLineAsync(l => l.StartsWith("progress: push", StringComparison.Ordinal), "the first acknowledged batch");
        var killed = Stopwatch.StartNew();
        host.Process.Kill();

        Assert.True(await push.WaitForExitAsync() == 0, $"push after failover: {push.StandardOutput}\n{push.StandardError}");
        output.WriteLine($"Upload finished {killed.Elapsed.TotalSeconds:0.0} s after the hosting silo was killed (the rest of 6.25 MiB at 1 MiB/s included).");
        var result = new AgentResult(0, push.StandardOutput, push.StandardError).Json;
        Assert.Equal(1, result.GetProperty("snapshot").GetProperty("number").GetInt32());

        var survivor = _cluster.Silos.First(s => s != host);
        using var ws2 = new Workstation("ws2", survivor.Gateway);
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\omar", "--path", ws2.Profile);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
    }

    [Fact]
    public async Task Every_acknowledged_snapshot_survives_stopping_all_silos_and_storage()
    {
        using var ws1 = new Workstation("ws1", _cluster.Gateways);
        var versions = new List<IReadOnlyDictionary<string, byte[]>>();
        var hive = TestData.HiveLike(256, seed: 900);
        for (var i = 0; i < 3; i++)
        {
            hive = TestData.ChangePages(hive, [i, 100 + i], seed: 901 + i);
            ws1.Write("NTUSER.DAT", hive);
            await ws1.Agent.SucceedAsync("push", "--user", @"contoso\pia", "--path", ws1.Profile);
            versions.Add(ws1.Snapshot());
        }

        await _cluster.RestartEverythingAsync();

        for (var i = 0; i < versions.Count; i++)
        {
            using var ws = new Workstation($"check{i}", _cluster.Gateways[i]);
            var pull = (await ws.Agent.SucceedAsync("pull", "--user", @"contoso\pia", "--path", ws.Profile, "--snapshot", $"{i + 1}")).Json;
            Assert.Equal(i + 1, pull.GetProperty("snapshot").GetProperty("number").GetInt32());
            ProfileAssert.SameFiles(versions[i], ws.Snapshot());
        }
    }
}
