using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>
/// The agent's sync client in this process against the real silo, where a test needs what the
/// command line does not show: the bytes read, every progress report, a file edited mid-transfer.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class SyncClientTests(SiloFixture fixture)
{
    [Fact]
    public async Task A_local_file_edited_while_a_pull_reuses_its_pages_says_it_changed_while_being_pulled_and_is_kept()
    {
        var user = ProfileKey.Parse(@"contoso\quinn");
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(32, seed: 1100));
        await using var agent1 = InProcessAgent.For(fixture, ws1);
        await agent1.Client.PushAsync(user, ws1.Profile, progress: null, CancellationToken.None);
        await ws2.Agent.SucceedAsync("pull", "--user", user.Value, "--path", ws2.Profile);
        ws1.Write("NTUSER.DAT", TestData.ChangePages(ws1.Read("NTUSER.DAT"), [2], seed: 1101));
        await agent1.Client.PushAsync(user, ws1.Profile, progress: null, CancellationToken.None);

        // The user saves the hive after the pull hashed it: the pages it would reuse are no longer there.
        var edited = TestData.ChangePages(ws2.Read("NTUSER.DAT"), [5], seed: 1102);
        await using var agent2 = InProcessAgent.For(fixture, ws2);
        agent2.Client.BeforePullBuild = () => ws2.Write("NTUSER.DAT", edited);

        var error = await Assert.ThrowsAsync<FileChangedDuringSyncException>(() => agent2.Client.PullAsync(user, ws2.Profile, 0, force: false, progress: null, CancellationToken.None));

        Assert.Equal($"\"{ws2.PathOf("NTUSER.DAT")}\" changed while it was being pulled: no local file was replaced; pull again once the file is closed.", error.Message);
        Assert.Equal(edited, ws2.Read("NTUSER.DAT"));
        Assert.Empty(Directory.EnumerateFiles(ws2.Profile, "*" + AtomicFile.TemporarySuffix, SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_pull_fetches_each_distinct_chunk_once_and_its_last_progress_is_exactly_the_total()
    {
        var user = ProfileKey.Parse(@"contoso\rosa");
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        // 64 distinct hive pages and 600 copies of one padding page (2.6 MiB: three store calls), and two
        // identical files of ten copies of one 64 KiB block: 66 distinct chunks of 284.
        ws1.Write("NTUSER.DAT", TestData.WithRepeatedPage(TestData.HiveLike(64, seed: 1200), 600, seed: 1201));
        ws1.Write(@"AppData\Roaming\Contoso\cache.bin", TestData.RepeatedBlock(64 * 1024, 10, seed: 1202));
        ws1.Write(@"AppData\Roaming\Contoso\cache-copy.bin", TestData.RepeatedBlock(64 * 1024, 10, seed: 1202));
        await using var agent1 = InProcessAgent.For(fixture, ws1);
        var pushed = await agent1.Client.PushAsync(user, ws1.Profile, progress: null, CancellationToken.None);
        Assert.Equal((66, 66), (pushed.TotalChunks, pushed.ChunksSent));
        const long distinctBytes = (65 * 4096) + (64 * 1024);

        var reports = new List<TransferProgress>();
        await using var agent2 = InProcessAgent.For(fixture, ws2);
        var pulled = await agent2.Client.PullAsync(user, ws2.Profile, 0, force: false, new SynchronousProgress(reports.Add), CancellationToken.None);

        Assert.Equal((3, 66, distinctBytes), (pulled.FilesWritten, pulled.ChunksFetched, pulled.BytesFetched));
        Assert.Equal(new TransferProgress("pull", 0, distinctBytes, 0, 66), reports[0]);
        Assert.Equal(new TransferProgress("pull", distinctBytes, distinctBytes, 66, 66), reports[^1]);
        Assert.All(reports, r => Assert.True(r.Bytes <= r.TotalBytes && r.Chunks <= r.TotalChunks, $"{r}"));
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
    }

    /// <summary>A sync client on the workstation's agent state, as the agent process would build it.</summary>
    private sealed class InProcessAgent(StoreConnection connection, ProfileSyncClient client) : IAsyncDisposable
    {
        public ProfileSyncClient Client { get; } = client;

        public static InProcessAgent For(SiloFixture fixture, Workstation ws, Action<ProfileSyncOptions>? configure = null)
        {
            var options = new ProfileSyncOptions { Gateways = [IPEndPoint.Parse(fixture.Silo.Gateway)], StateDirectory = ws.Agent.StateDirectory, Machine = ws.Name };
            configure?.Invoke(options);
            var connection = new StoreConnection(options, NullLoggerFactory.Instance, TimeProvider.System);
            return new InProcessAgent(connection, new ProfileSyncClient(connection, options, TimeProvider.System, NullLogger<ProfileSyncClient>.Instance));
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    /// <summary>Reports on the calling thread, in order (<see cref="Progress{T}"/> posts them to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
