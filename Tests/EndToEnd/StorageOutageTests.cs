using System.Diagnostics;
using Orleans.Profiles.Tests.Support;
using Xunit.Abstractions;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>What a user sees at logoff when the silo is up but its Azure storage is down: a clear, retryable failure, nothing lost.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    private const string Unavailable = "The profile store's storage is unavailable (Azure Storage did not answer)";

    [Fact]
    public async Task With_storage_down_the_agent_reports_the_store_unavailable_and_a_later_push_commits()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 1);
        using var ws1 = new Workstation("ws1", cluster.Gateways);
        using var ws2 = new Workstation("ws2", cluster.Gateways);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(16, seed: 1100));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\vera", "--path", ws1.Profile);

        await cluster.Azurite.Process.TerminateAsync();
        ws1.Write("NTUSER.DAT", TestData.ChangePages(ws1.Read("NTUSER.DAT"), [3], seed: 1101));
        var version2 = ws1.Snapshot();
        // An active profile: the upload's first storage call fails.
        var clock = Stopwatch.StartNew();
        var push = await ws1.Agent.RunAsync("push", "--user", @"contoso\vera", "--path", ws1.Profile, "--retries", "2");
        output.WriteLine($"push with storage down: exit {push.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s (2 attempts, process start included)");
        Assert.True(push.ExitCode == 4, $"{push}");
        Assert.True(push.StandardError.Contains(Unavailable, StringComparison.Ordinal), $"{push}");
        Assert.Contains("Gave up after 2 attempts.", push.StandardError, StringComparison.Ordinal);
        // A profile not active yet: its state cannot even be read.
        var status = await ws2.Agent.RunAsync("status", "--user", @"contoso\walt", "--retries", "1");
        Assert.True(status.ExitCode == 4, $"{status}");
        Assert.True(status.StandardError.Contains(Unavailable, StringComparison.Ordinal), $"{status}");
        Assert.Contains("failed in storage (Azure Storage did not answer)", cluster.Silos[0].Process.StandardOutput, StringComparison.Ordinal);

        await using var azurite = await cluster.Azurite.RestartAsync();
        var retried = (await ws1.Agent.SucceedAsync("push", "--user", @"contoso\vera", "--path", ws1.Profile)).Json;
        Assert.Equal(2, retried.GetProperty("snapshot").GetProperty("number").GetInt32());
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\vera", "--path", ws2.Profile);
        ProfileAssert.SameFiles(version2, ws2.Snapshot());
        await ws2.Agent.SucceedAsync("status", "--user", @"contoso\walt");
    }

    [Fact]
    public async Task With_storage_hanging_the_agent_gives_up_and_once_storage_answers_again_a_push_commits()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 1);
        using var ws1 = new Workstation("ws1", cluster.Gateways);
        using var ws2 = new Workstation("ws2", cluster.Gateways);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(16, seed: 1110));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\xena", "--path", ws1.Profile);

        // Azurite stopped, not killed: connections stay open and requests get no answer.
        cluster.Azurite.Process.Pause();
        ws1.Write("NTUSER.DAT", TestData.ChangePages(ws1.Read("NTUSER.DAT"), [5], seed: 1111));
        var version2 = ws1.Snapshot();
        var clock = Stopwatch.StartNew();
        var push = await ws1.Agent.RunAsync("push", "--user", @"contoso\xena", "--path", ws1.Profile, "--retries", "2");
        output.WriteLine($"push with storage hanging: exit {push.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s (2 attempts)");
        Assert.True(push.ExitCode == 4, $"{push}");
        // The silo gives up on storage before the agent gives up on the silo (15 s), so the agent says why.
        Assert.True(push.StandardError.Contains("The profile store's storage is unavailable (Azure Storage did not answer in time). Gave up after 2 attempts.", StringComparison.Ordinal), $"{push}");

        cluster.Azurite.Process.Resume();
        clock.Restart();
        var retried = (await ws1.Agent.SucceedAsync("push", "--user", @"contoso\xena", "--path", ws1.Profile)).Json;
        output.WriteLine($"push once storage answers again: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(2, retried.GetProperty("snapshot").GetProperty("number").GetInt32());
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\xena", "--path", ws2.Profile);
        ProfileAssert.SameFiles(version2, ws2.Snapshot());
    }
}
