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
    public async Task A_push_of_a_new_profile_reads_each_file_once()
    {
        var user = ProfileKey.Parse(@"contoso\sven");
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(256, seed: 1300));
        ws1.Write(@"AppData\Roaming\Microsoft\Signatures\work.htm", TestData.RandomBytes(70_000, seed: 1301));
        const long total = (256 * 4096) + 70_000;

        await using var agent1 = InProcessAgent.For(fixture, ws1);
        var pushed = await agent1.Client.PushAsync(user, ws1.Profile, progress: null, CancellationToken.None);

        // 256 hive pages and a 70,000-byte file in two 64 KiB chunks, all sent, none read twice.
        Assert.Equal((total, 258, 258, total, total), (pushed.Bytes, pushed.TotalChunks, pushed.ChunksSent, pushed.BytesSent, pushed.BytesRead));
        await ws2.Agent.SucceedAsync("pull", "--user", user.Value, "--path", ws2.Profile);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
    }

    [Fact]
    public async Task A_push_over_its_memory_budget_reads_again_only_what_did_not_fit_and_sends_the_same_bytes()
    {
        var user = ProfileKey.Parse(@"contoso\tara");
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write(@"AppData\Roaming\Contoso\cache.bin", TestData.RandomBytes(64 * 1024, seed: 1310));
        ws1.Write("NTUSER.DAT", TestData.HiveLike(64, seed: 1311));
        const long total = (64 * 1024) + (64 * 4096);

        // 100 KiB: cache.bin (hashed first) fits, then the first 9 pages of the hive; its other 55 pages are read again.
        await using var agent1 = InProcessAgent.For(fixture, ws1, o => o.PushBufferBytes = 100 * 1024);
        var pushed = await agent1.Client.PushAsync(user, ws1.Profile, progress: null, CancellationToken.None);

        Assert.Equal((65, total, total + (55 * 4096)), (pushed.ChunksSent, pushed.BytesSent, pushed.BytesRead));
        await ws2.Agent.SucceedAsync("pull", "--user", user.Value, "--path", ws2.Profile);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
    }

    [Theory]
    [InlineData(ProfileSyncOptions.DefaultPushBufferBytes)] // the changed page was kept from the hash pass: the file's stamp moved
    [InlineData(0L)] // the changed page is read again: its hash no longer matches
    public async Task A_file_saved_between_the_hash_and_the_send_pass_fails_the_push_and_the_store_keeps_its_snapshot(long pushBufferBytes)
    {
        var user = ProfileKey.Parse($@"contoso\uma{pushBufferBytes}");
        using var ws = new Workstation("ws", fixture.Silo.Gateway);
        ws.Write("NTUSER.DAT", TestData.HiveLike(32, seed: 1320));
        await ws.Agent.SucceedAsync("push", "--user", user.Value, "--path", ws.Profile);
        ws.Write("NTUSER.DAT", TestData.ChangePages(ws.Read("NTUSER.DAT"), [2], seed: 1321));
        var saved = TestData.ChangePages(ws.Read("NTUSER.DAT"), [2], seed: 1322);

        // A fresh connection: the save comes well after the hash pass read the file, as a user's would.
        await using var agent = InProcessAgent.For(fixture, ws, o => o.PushBufferBytes = pushBufferBytes);
        agent.Client.BeforePushSend = () => ws.Write("NTUSER.DAT", saved);
        var error = await Assert.ThrowsAsync<FileChangedDuringSyncException>(() => agent.Client.PushAsync(user, ws.Profile, progress: null, CancellationToken.None));

        Assert.Equal($"\"{ws.PathOf("NTUSER.DAT")}\" changed while it was being pushed: the store kept its current snapshot; push again once the file is closed.", error.Message);
        var status = await agent.Client.GetStatusAsync(user, CancellationToken.None);
        Assert.Equal(1, status.Current?.Number);
        agent.Client.BeforePushSend = null;
        var again = await agent.Client.PushAsync(user, ws.Profile, progress: null, CancellationToken.None);
        Assert.Equal((2, 1), (again.Snapshot.Number, again.ChunksSent));
    }

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

    [Fact]
    public async Task A_first_logon_fetches_many_small_files_in_a_few_store_calls_not_one_each()
    {
        var user = ProfileKey.Parse(@"contoso\ines");
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        // 60 settings files of 6,000 bytes (AppData's usual shape) around a 400 KiB hive: 520 KiB in all.
        for (var i = 0; i < 60; i++)
        {
            ws1.Write($@"AppData\Roaming\Contoso\settings-{i:00}.xml", TestData.RandomBytes(6000, seed: 1500 + i));
        }

        ws1.Write("NTUSER.DAT", TestData.HiveLike(100, seed: 1499));
        await using var agent1 = InProcessAgent.For(fixture, ws1);
        await agent1.Client.PushAsync(user, ws1.Profile, progress: null, CancellationToken.None);

        var reports = new List<TransferProgress>();
        await using var agent2 = InProcessAgent.For(fixture, ws2);
        var pulled = await agent2.Client.PullAsync(user, ws2.Profile, 0, force: false, new SynchronousProgress(reports.Add), CancellationToken.None);

        // One progress report per store call after the first: the 60 small files in one, the hive in one.
        const long total = (60 * 6000) + (100 * 4096);
        Assert.Equal((61, 160, total), (pulled.FilesWritten, pulled.ChunksFetched, pulled.BytesFetched));
        Assert.Equal([0L, 60 * 6000, total], reports.Select(r => r.Bytes));
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
    }

    /// <summary>A sync client on the workstation's agent state, as the agent process would build it.</summary>
    [Fact]
    public async Task An_edited_hive_is_pushed_and_pulled_as_a_delta_against_the_snapshot_each_workstation_last_synced()
    {
        var user = ProfileKey.Parse(@"contoso\delia");
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(128, seed: 1400));
        ws1.Write(@"AppData\Roaming\notes.txt", TestData.RandomBytes(3000, seed: 1401));
        await using var agent1 = InProcessAgent.For(fixture, ws1);
        await using var agent2 = InProcessAgent.For(fixture, ws2);

        // A first push, and a first pull onto a workstation that never had a base: whole.
        var first = await agent1.Client.PushAsync(user, ws1.Profile, progress: null, CancellationToken.None);
        var fresh = await agent2.Client.PullAsync(user, ws2.Profile, 0, force: false, progress: null, CancellationToken.None);
        Assert.Equal((0, 129, 0, 129), (first.DeltaBase, first.ChunksSent, fresh.DeltaBase, fresh.ChunksFetched));

        // A logoff: two pages edited in place travel against snapshot 1, and so does the logon onto it.
        ws1.Write("NTUSER.DAT", TestData.EditPages(ws1.Read("NTUSER.DAT"), [3, 50], seed: 1402));
        var edited = await agent1.Client.PushAsync(user, ws1.Profile, progress: null, CancellationToken.None);
        var onto = await agent2.Client.PullAsync(user, ws2.Profile, 0, force: false, progress: null, CancellationToken.None);
        Assert.Equal((2, 1, 2, 2 * 4096L), (edited.Snapshot.Number, edited.DeltaBase, edited.ChunksSent, edited.BytesSent));
        Assert.Equal((2, 1, 2, 2 * 4096L), (onto.Snapshot.Number, onto.DeltaBase, onto.ChunksFetched, onto.BytesFetched));
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());

        // Without the copy of its base hive (deleted, damaged) the manifest is still a delta, the changed pages travel whole.
        foreach (var copy in Directory.EnumerateFiles(ws2.Agent.StateDirectory, "*.copy", SearchOption.AllDirectories))
        {
            File.WriteAllBytes(copy, new byte[4096 * 128]);
        }

        ws2.Write("NTUSER.DAT", TestData.EditPages(ws2.Read("NTUSER.DAT"), [9], seed: 1403));
        var whole = await agent2.Client.PushAsync(user, ws2.Profile, progress: null, CancellationToken.None);
        var back = await agent1.Client.PullAsync(user, ws1.Profile, 0, force: false, progress: null, CancellationToken.None);
        Assert.Equal((3, 2, 1, 3, 2, 1), (whole.Snapshot.Number, whole.DeltaBase, whole.ChunksSent, back.Snapshot.Number, back.DeltaBase, back.ChunksFetched));
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
    }

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
