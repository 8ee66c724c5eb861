using System.Diagnostics;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;
using Xunit.Abstractions;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>What a user sees at logoff when the silo is up but its Azure storage is down: a clear, retryable failure, nothing lost.</summary>
[Collection(OwnProcessesCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class StorageOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Unavailable = "The profile store's storage is unavailable (Azure Storage did not answer)";
    private SiloCluster _cluster = null!;
    private Workstation _ws1 = null!;
    private Workstation _ws2 = null!;

    public async Task InitializeAsync()
    {
        _cluster = await SiloCluster.StartAsync(silos: 1);
        _ws1 = new Workstation("ws1", _cluster.Gateways);
        _ws2 = new Workstation("ws2", _cluster.Gateways);
    }

    public async Task DisposeAsync()
    {
        _ws1?.Dispose();
        _ws2?.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task With_storage_down_the_agent_reports_the_store_unavailable_and_a_later_push_commits()
    {
        await PushAsync(@"contoso\vera", seed: 1100);

        await _cluster.Azurite.Process.TerminateAsync();
        var version2 = ChangeAPage(3, seed: 1101);
        // An active profile: the upload's first storage call fails.
        var clock = Stopwatch.StartNew();
        var push = await _ws1.Agent.RunAsync("push", "--user", @"contoso\vera", "--path", _ws1.Profile, "--retries", "2");
        output.WriteLine($"push with storage down: exit {push.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s (2 attempts, process start included)");
        Assert.True(push.ExitCode == ExitCodes.StoreUnavailable, $"{push}");
        Assert.True(push.StandardError.Contains(Unavailable, StringComparison.Ordinal), $"{push}");
        Assert.Contains("Gave up after 2 attempts.", push.StandardError, StringComparison.Ordinal);
        // A profile not active yet: its state cannot even be read.
        var status = await _ws2.Agent.RunAsync("status", "--user", @"contoso\walt", "--retries", "1");
        Assert.True(status.ExitCode == ExitCodes.StoreUnavailable, $"{status}");
        Assert.True(status.StandardError.Contains(Unavailable, StringComparison.Ordinal), $"{status}");
        Assert.Contains("failed in storage (Azure Storage did not answer)", _cluster.Silos[0].Process.StandardOutput, StringComparison.Ordinal);

        await using var azurite = await _cluster.Azurite.RestartAsync();
        await PushAgainAndPullElsewhereAsync(@"contoso\vera", version2);
        await _ws2.Agent.SucceedAsync("status", "--user", @"contoso\walt");
    }

    [Fact]
    public async Task With_storage_hanging_the_agent_gives_up_and_once_storage_answers_again_a_push_commits()
    {
        await PushAsync(@"contoso\xena", seed: 1110);

        // Azurite stopped, not killed: connections stay open and requests get no answer.
        _cluster.Azurite.Process.Pause();
        var version2 = ChangeAPage(5, seed: 1111);
        var clock = Stopwatch.StartNew();
        var push = await _ws1.Agent.RunAsync("push", "--user", @"contoso\xena", "--path", _ws1.Profile, "--retries", "2");
        output.WriteLine($"push with storage hanging: exit {push.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s (2 attempts)");
        Assert.True(push.ExitCode == ExitCodes.StoreUnavailable, $"{push}");
        // The silo gives up on storage before the agent gives up on the silo (15 s), so the agent says why.
        Assert.True(push.StandardError.Contains("The profile store's storage is unavailable (Azure Storage did not answer in time). Gave up after 2 attempts.", StringComparison.Ordinal), $"{push}");

        _cluster.Azurite.Process.Resume();
        await PushAgainAndPullElsewhereAsync(@"contoso\xena", version2);
    }

    /// <summary>Snapshot 1 of <paramref name="user"/>, from the first workstation.</summary>
    private async Task PushAsync(string user, int seed)
    {
        _ws1.Write("NTUSER.DAT", TestData.HiveLike(16, seed));
        await _ws1.Agent.SucceedAsync("push", "--user", user, "--path", _ws1.Profile);
    }

    /// <summary>Changes one page of the first workstation's hive and returns its files: the version whose push storage interrupts.</summary>
    private IReadOnlyDictionary<string, byte[]> ChangeAPage(int page, int seed)
    {
        _ws1.Write("NTUSER.DAT", TestData.ChangePages(_ws1.Read("NTUSER.DAT"), [page], seed));
        return _ws1.Snapshot();
    }

    /// <summary>Once storage answers: the interrupted push commits as snapshot 2 and the other workstation pulls exactly it.</summary>
    private async Task PushAgainAndPullElsewhereAsync(string user, IReadOnlyDictionary<string, byte[]> version2)
    {
        var clock = Stopwatch.StartNew();
        var retried = (await _ws1.Agent.SucceedAsync("push", "--user", user, "--path", _ws1.Profile)).Json;
        output.WriteLine($"push once storage answers again: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(2, retried.GetProperty("snapshot").GetProperty("number").GetInt32());
        await _ws2.Agent.SucceedAsync("pull", "--user", user, "--path", _ws2.Profile);
        ProfileAssert.SameFiles(version2, _ws2.Snapshot());
    }
}
