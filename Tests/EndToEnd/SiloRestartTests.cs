using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>Invariant 2: a commit that returned success survives a silo crash and restart.</summary>
[Collection(OwnProcessesCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class SiloRestartTests
{
    [Fact]
    public async Task Every_acknowledged_snapshot_survives_a_silo_crash_and_restart()
    {
        using var data = new TempDirectory("e2e-restart");
        var silo = await SiloProcess.StartAsync(data.Path);
        try
        {
            using var ws1 = new Workstation("ws1", silo.Gateway);
            var versions = new List<IReadOnlyDictionary<string, byte[]>>();
            var hive = TestData.HiveLike(512, seed: 300);
            for (var i = 0; i < 3; i++)
            {
                hive = TestData.ChangePages(hive, [i * 10, 511 - i], seed: 301 + i);
                ws1.Write("NTUSER.DAT", hive);
                ws1.Write($@"AppData\Roaming\file{i}.txt", TestData.RandomBytes(100 + i, seed: 310 + i));
                var push = (await ws1.Agent.SucceedAsync("push", "--user", @"fabrikam\ivan", "--path", ws1.Profile)).Json;
                Assert.Equal(i + 1, push.GetProperty("snapshot").GetProperty("number").GetInt32());
                versions.Add(ws1.Snapshot());
            }

            silo = await silo.CrashAndRestartAsync();

            using var ws2 = new Workstation("ws2", silo.Gateway);
            var history = (await ws2.Agent.SucceedAsync("history", "--user", @"FABRIKAM\Ivan")).Json;
            Assert.Equal([1, 2, 3], history.EnumerateArray().Select(s => s.GetProperty("number").GetInt32()));
            for (var i = 0; i < versions.Count; i++)
            {
                using var ws = new Workstation($"check{i}", silo.Gateway);
                await ws.Agent.SucceedAsync("pull", "--user", @"fabrikam\ivan", "--path", ws.Profile, "--snapshot", $"{i + 1}");
                ProfileAssert.SameFiles(versions[i], ws.Snapshot());
            }

            // And the store keeps working after the crash: a new commit builds on the recovered one.
            ws1.Write("NTUSER.DAT", TestData.ChangePages(hive, [100], seed: 320));
            var next = (await ws1.Agent.SucceedAsync("push", "--user", @"fabrikam\ivan", "--path", ws1.Profile)).Json;
            Assert.Equal(4, next.GetProperty("snapshot").GetProperty("number").GetInt32());
            Assert.Equal(1, next.GetProperty("chunksSent").GetInt32());
        }
        finally
        {
            Assert.Equal(0, await silo.Process.TerminateAsync());
            await silo.DisposeAsync();
        }
    }
}
