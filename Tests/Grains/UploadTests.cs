using System.Collections.Immutable;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class UploadTests(ProfileClusterFixture fixture) : IClassFixture<ProfileClusterFixture>
{
    private ProfileStoreCluster Cluster => fixture.Cluster;

    private static Task<UploadContent> SampleProfileAsync(int seed)
    {
        var hive = TestData.HiveLike(300, seed);
        var usrClass = TestData.HiveLike(16, seed + 1);
        return UploadContent.CreateAsync(
            ("NTUSER.DAT", hive),
            ("ntuser.dat.LOG1", TestData.RandomBytes(10_000, seed + 2)),
            ("AppData\\Local\\Microsoft\\Windows\\UsrClass.dat", usrClass),
            ("AppData\\Roaming\\Microsoft\\Signatures\\empty.txt", []),
            ("AppData\\Roaming\\Notes\\big.bin", TestData.RandomBytes(200_000, seed + 3)),
            // The same bytes as UsrClass.dat: its chunks are needed once.
            ("AppData\\Roaming\\Backup\\UsrClass.copy", usrClass));
    }

    [Theory]
    [InlineData('u')]
    [InlineData('\u4e2d')]
    public async Task The_longest_valid_account_name_commits_and_reads_back_in_local_storage(char c)
    {
        // Its encoded name would pass the file system's 255-character limit: the store must shorten it.
        var key = ProfileKey.Parse($@"CONTOSO\{new string(c, ProfileKey.MaxLength - 8)}");
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(4, seed: 90)));

        var result = await ProfileUploads.PushAsync(Cluster.Client, key, content);

        var snapshot = await Cluster.Profile(key).GetSnapshot(0);
        Assert.Equal((1, content.ManifestHash), (result.Snapshot.Number, snapshot.Info.ManifestHash));
        Assert.Equal(content.Files["NTUSER.DAT"], (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest))["NTUSER.DAT"]);
    }

    [Fact]
    public async Task Full_upload_commits_snapshot_1_and_reads_back_byte_for_byte()
    {
        var key = fixture.NewKey();
        var content = await SampleProfileAsync(seed: 1);
        var upload = Cluster.Upload(key);
        var request = content.Request();

        var status = await upload.BeginUpload(request);

        var expectedDistinct = 300 + 1 + 16 + 0 + 4;
        Assert.Equal(expectedDistinct, content.DistinctChunks.Length);
        Assert.Equal(request.SessionId, status.SessionId);
        Assert.Equal<ContentHash>(content.DistinctChunks, status.Missing);
        Assert.Equal(expectedDistinct, status.TotalChunks);
        Assert.Equal(0, status.CommittedSnapshot);

        var remaining = await ProfileUploads.PutAsync(upload, request.SessionId, content, status.Missing);
        Assert.Equal(0, remaining);
        var result = await upload.CommitUpload(request.SessionId);

        Assert.False(result.AlreadyCommitted);
        Assert.Equal(1, result.Snapshot.Number);
        Assert.Equal(content.ManifestHash, result.Snapshot.ManifestHash);
        Assert.Equal(6, result.Snapshot.Files);
        Assert.Equal(content.Files.Values.Sum(f => (long)f.Length), result.Snapshot.Bytes);
        Assert.Equal(UploadContent.DefaultMachine, result.Snapshot.Machine);
        Assert.Equal(request.SessionId, result.Snapshot.SessionId);
        Assert.Equal(0, result.Snapshot.BaseSnapshot);
        Assert.Equal(0, result.Snapshot.Replaced);
        Assert.Equal(0, result.Snapshot.RestoredFrom);

        var snapshot = await Cluster.Profile(key).GetSnapshot(0);
        Assert.Equal(result.Snapshot, snapshot.Info);
        ManifestAssert.FilesEqual(content.Manifest.Files, snapshot.Manifest.Files);
        Assert.Equal(content.DistinctChunks, snapshot.Manifest.Locations.Select(l => l.Hash));
        Assert.Equal(content.ManifestHash, snapshot.Manifest.ComputeHash());

        var files = await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest);
        Assert.Equal(content.Files.Keys.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, bytes) in content.Files)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(files[path]), $"{path} differs after the round trip");
        }

        var profileStatus = await Cluster.Profile(key).GetStatus();
        Assert.Equal(new ProfileStatus(key.Value, result.Snapshot, 1, 0), profileStatus);
    }

    [Fact]
    public async Task Second_upload_with_three_changed_pages_sends_exactly_those_three_chunks()
    {
        var key = fixture.NewKey();
        var v1 = TestData.HiveLike(256, seed: 10);
        int[] changedPages = [0, 100, 255];
        var v2 = TestData.ChangePages(v1, changedPages, seed: 11);
        var first = await UploadContent.CreateAsync(("NTUSER.DAT", v1));
        var second = await UploadContent.CreateAsync(("NTUSER.DAT", v2));
        Assert.Equal(1024 * 1024, v1.Length);

        var one = await ProfileUploads.PushAsync(Cluster.Client, key, first);
        Assert.Equal(1, one.Snapshot.Number);

        var upload = Cluster.Upload(key);
        var request = second.Request(baseSnapshot: 1);
        var status = await upload.BeginUpload(request);

        var newFile = second.Manifest.Files.Single();
        Assert.Equal<ContentHash>([.. changedPages.Select(p => newFile.Chunks[p])], status.Missing);
        Assert.Equal(256, status.TotalChunks);

        Assert.Equal(0, await ProfileUploads.PutAsync(upload, request.SessionId, second, status.Missing));
        var two = await upload.CommitUpload(request.SessionId);
        Assert.Equal(2, two.Snapshot.Number);
        Assert.Equal(1, two.Snapshot.BaseSnapshot);
        Assert.Equal(0, two.Snapshot.Replaced);

        var history = await Cluster.Profile(key).GetHistory();
        Assert.Equal([1, 2], history.Select(h => h.Number));
        Assert.Equal(one.Snapshot, history[0]);
        Assert.Equal(two.Snapshot, history[1]);

        var current = await Cluster.Profile(key).GetSnapshot(0);
        Assert.Equal(2, current.Info.Number);
        Assert.Equal(v2, (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, current.Manifest))["NTUSER.DAT"]);
        var old = await Cluster.Profile(key).GetSnapshot(1);
        Assert.Equal(v1, (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, old.Manifest))["NTUSER.DAT"]);
    }

    [Fact]
    public async Task Begin_put_and_commit_are_idempotent()
    {
        var key = fixture.NewKey();
        var content = await SampleProfileAsync(seed: 20);
        var upload = Cluster.Upload(key);
        var request = content.Request();

        var begun = await upload.BeginUpload(request);
        var again = await upload.BeginUpload(request);
        Assert.Equal(begun.SessionId, again.SessionId);
        Assert.Equal<ContentHash>(begun.Missing, again.Missing);
        Assert.Equal(begun.TotalChunks, again.TotalChunks);
        Assert.Equal(1, (await Cluster.Profile(key).GetStatus()).OpenSessions);

        var batches = content.Batches(begun.Missing).ToList();
        Assert.True(batches.Count >= 2, "the sample must take more than one batch");
        var afterFirst = await upload.PutChunks(request.SessionId, batches[0]);
        Assert.Equal(begun.Missing.Length - batches[0].Length, afterFirst);
        Assert.Equal(afterFirst, await upload.PutChunks(request.SessionId, batches[0]));
        Assert.Equal(afterFirst, await upload.PutChunks(request.SessionId, []));
        foreach (var batch in batches.Skip(1))
        {
            await upload.PutChunks(request.SessionId, batch);
        }

        var committed = await upload.CommitUpload(request.SessionId);
        var retried = await upload.CommitUpload(request.SessionId);
        Assert.False(committed.AlreadyCommitted);
        Assert.True(retried.AlreadyCommitted);
        Assert.Equal(committed.Snapshot, retried.Snapshot);

        var afterCommit = await upload.BeginUpload(request);
        Assert.Equal(new UploadSessionStatus(request.SessionId, [], 0, 1).CommittedSnapshot, afterCommit.CommittedSnapshot);
        Assert.Equal(request.SessionId, afterCommit.SessionId);
        Assert.Empty(afterCommit.Missing);
        Assert.Equal(0, afterCommit.TotalChunks);

        var status = await Cluster.Profile(key).GetStatus();
        Assert.Equal(new ProfileStatus(key.Value, committed.Snapshot, 1, 0), status);
        Assert.Single(await Cluster.Profile(key).GetHistory());
    }

    [Fact]
    public async Task Abort_discards_the_session_and_its_staged_chunks()
    {
        var key = fixture.NewKey();
        var content = await SampleProfileAsync(seed: 30);
        var upload = Cluster.Upload(key);
        var request = content.Request();
        var status = await upload.BeginUpload(request);
        await upload.PutChunks(request.SessionId, content.Batches(status.Missing).First());
        Assert.True(File.Exists(Cluster.StagingFile(key, request.SessionId)));

        await upload.AbortUpload(request.SessionId);

        Assert.False(File.Exists(Cluster.StagingFile(key, request.SessionId)));
        Assert.Equal(new ProfileStatus(key.Value, null, 0, 0), await Cluster.Profile(key).GetStatus());
        var put = await Assert.ThrowsAsync<UploadSessionNotFoundException>(() => upload.PutChunks(request.SessionId, content.Batches(status.Missing).First()));
        Assert.Equal(request.SessionId, put.SessionId);
        var commit = await Assert.ThrowsAsync<UploadSessionNotFoundException>(() => upload.CommitUpload(request.SessionId));
        Assert.Equal(request.SessionId, commit.SessionId);

        // Aborting again is harmless, and beginning again starts from nothing.
        await upload.AbortUpload(request.SessionId);
        var restarted = await upload.BeginUpload(request);
        Assert.Equal<ContentHash>(content.DistinctChunks, restarted.Missing);
    }

    [Fact]
    public async Task Restore_makes_an_old_snapshot_current_as_a_new_snapshot()
    {
        var key = fixture.NewKey();
        var v1 = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(32, seed: 40)), ("AppData\\Roaming\\a.txt", TestData.RandomBytes(5000, 41)));
        var v2 = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.ChangePages(v1.Files["NTUSER.DAT"], [3], seed: 42)));
        var one = await ProfileUploads.PushAsync(Cluster.Client, key, v1);
        var two = await ProfileUploads.PushAsync(Cluster.Client, key, v2, baseSnapshot: 1);
        Assert.Equal(2, two.Snapshot.Number);

        var restored = await Cluster.Profile(key).Restore(1, "HELPDESK-7");

        Assert.False(restored.AlreadyCommitted);
        Assert.Equal(3, restored.Snapshot.Number);
        Assert.Equal(1, restored.Snapshot.RestoredFrom);
        Assert.Equal(2, restored.Snapshot.BaseSnapshot);
        Assert.Equal(0, restored.Snapshot.Replaced);
        Assert.Equal("HELPDESK-7", restored.Snapshot.Machine);
        Assert.Equal(one.Snapshot.ManifestHash, restored.Snapshot.ManifestHash);
        Assert.Equal(one.Snapshot.Bytes, restored.Snapshot.Bytes);
        Assert.Equal(one.Snapshot.Files, restored.Snapshot.Files);

        var current = await Cluster.Profile(key).GetSnapshot(0);
        Assert.Equal(restored.Snapshot, current.Info);
        ManifestAssert.FilesEqual(v1.Manifest.Files, current.Manifest.Files);
        var files = await ProfileUploads.ReadFilesAsync(Cluster.Client, key, current.Manifest);
        Assert.Equal(v1.Files["NTUSER.DAT"], files["NTUSER.DAT"]);
        Assert.Equal(v1.Files["AppData\\Roaming\\a.txt"], files["AppData\\Roaming\\a.txt"]);
        Assert.Equal([1, 2, 3], (await Cluster.Profile(key).GetHistory()).Select(h => h.Number));

        var missing = await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Cluster.Profile(key).Restore(9, "HELPDESK-7"));
        Assert.Equal(9, missing.Snapshot);
        Assert.Equal(key.Value, missing.Profile);
        Assert.Equal(3, (await Cluster.Profile(key).GetStatus()).Snapshots);
    }

    [Fact]
    public async Task Two_sessions_from_the_same_base_both_commit_and_the_second_records_what_it_replaced()
    {
        var key = fixture.NewKey();
        var hive = TestData.HiveLike(32, seed: 50);
        var v1 = await UploadContent.CreateAsync(("NTUSER.DAT", hive));
        var fromA = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.ChangePages(hive, [1], seed: 51)));
        var fromB = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.ChangePages(hive, [2], seed: 52)));
        await ProfileUploads.PushAsync(Cluster.Client, key, v1, machine: "WS-A");

        var upload = Cluster.Upload(key);
        var requestA = fromA.Request(baseSnapshot: 1, machine: "WS-A");
        var requestB = fromB.Request(baseSnapshot: 1, machine: "WS-B");
        var statusA = await upload.BeginUpload(requestA);
        var statusB = await upload.BeginUpload(requestB);
        Assert.Single(statusA.Missing);
        Assert.Single(statusB.Missing);
        Assert.Equal(2, (await Cluster.Profile(key).GetStatus()).OpenSessions);
        await ProfileUploads.PutAsync(upload, requestA.SessionId, fromA, statusA.Missing);
        await ProfileUploads.PutAsync(upload, requestB.SessionId, fromB, statusB.Missing);

        var a = await upload.CommitUpload(requestA.SessionId);
        var b = await upload.CommitUpload(requestB.SessionId);

        Assert.Equal(2, a.Snapshot.Number);
        Assert.Equal(0, a.Snapshot.Replaced);
        Assert.False(a.Snapshot.IsConflict);
        Assert.Equal(3, b.Snapshot.Number);
        Assert.Equal(a.Snapshot.Number, b.Snapshot.Replaced);
        Assert.True(b.Snapshot.IsConflict);
        Assert.Equal(1, b.Snapshot.BaseSnapshot);

        var history = await Cluster.Profile(key).GetHistory();
        Assert.Equal([a.Snapshot, b.Snapshot], history.Skip(1));
        Assert.Equal(new ProfileStatus(key.Value, b.Snapshot, 3, 0), await Cluster.Profile(key).GetStatus());
        foreach (var (number, content) in new[] { (2, fromA), (3, fromB) })
        {
            var snapshot = await Cluster.Profile(key).GetSnapshot(number);
            Assert.Equal(content.Files["NTUSER.DAT"], (await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest))["NTUSER.DAT"]);
        }
    }

    [Fact]
    public async Task A_key_that_is_not_normalised_is_refused_by_every_call()
    {
        const string raw = "CONTOSO\\Alice";
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(2, seed: 60)));
        var profile = Cluster.Client.GetGrain<IProfileGrain>(raw);
        var upload = Cluster.Client.GetGrain<IProfileUploadGrain>(raw);
        var reader = Cluster.Client.GetGrain<IChunkReaderGrain>(raw);
        var session = Guid.NewGuid();
        var calls = new (string Name, Func<Task> Call)[]
        {
            ("GetStatus", () => profile.GetStatus()),
            ("GetHistory", () => profile.GetHistory()),
            ("GetSnapshot", () => profile.GetSnapshot(0)),
            ("Restore", () => profile.Restore(1, "WS")),
            ("BeginUpload", () => upload.BeginUpload(content.Request())),
            ("PutChunks", () => upload.PutChunks(session, [content.Payload(content.DistinctChunks[0])])),
            ("CommitUpload", () => upload.CommitUpload(session)),
            ("AbortUpload", () => upload.AbortUpload(session)),
            ("ReadChunks", () => reader.ReadChunks([new ChunkLocation(content.DistinctChunks[0], session, 40, 4096)])),
        };

        foreach (var (name, call) in calls)
        {
            var error = await Record.ExceptionAsync(call);
            Assert.True(error is InvalidProfileKeyException, $"{name}: {error?.GetType().Name ?? "no error"}");
            var refused = (InvalidProfileKeyException)error!;
            Assert.True(raw == refused.Account, $"{name}: the error names {refused.Account}");
            Assert.Contains("contoso\\alice", refused.Reason, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(fixture.Data.Path, "profiles", StorageNames.Encode(raw))));
    }

    [Fact]
    public async Task The_chunk_reader_serves_only_the_profile_s_own_committed_packs()
    {
        var alice = fixture.NewKey();
        var bob = fixture.NewKey();
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 70)));
        await ProfileUploads.PushAsync(Cluster.Client, alice, content);
        var locations = (await Cluster.Profile(alice).GetSnapshot(0)).Manifest.Locations;

        Assert.Equal(content.DistinctChunks.Select(h => content.Chunks[h]), await Cluster.Reader(alice).ReadChunks(locations));
        var error = await Assert.ThrowsAsync<ChunkRejectedException>(() => Cluster.Reader(bob).ReadChunks(locations));
        Assert.Equal(locations[0].Hash, error.Hash);
        Assert.Empty(await Cluster.Reader(bob).ReadChunks([]));
    }

    [Fact]
    public async Task The_chunk_reader_refuses_reads_over_its_limit()
    {
        var key = fixture.NewKey();
        var big = new ChunkLocation(ContentHash.Compute("x"u8), Guid.NewGuid(), 40, ProfileChunker.MaxChunkSize);

        var error = await Assert.ThrowsAsync<RequestLimitException>(() => Cluster.Reader(key).ReadChunks([big, big, big, big, big]));

        Assert.Equal(5L * ProfileChunker.MaxChunkSize, error.Value);
        Assert.Equal(ProfileStoreOptions.DefaultMaxReadBytes, error.Maximum);
        await Assert.ThrowsAsync<ChunkRejectedException>(() => Cluster.Reader(key).ReadChunks([big with { Length = 10 }, null!]));
    }

    [Fact]
    public async Task Reading_a_snapshot_that_does_not_exist_is_refused()
    {
        var key = fixture.NewKey();

        var none = await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Cluster.Profile(key).GetSnapshot(0));
        Assert.Equal(0, none.Snapshot);
        Assert.Equal(key.Value, none.Profile);

        await ProfileUploads.PushAsync(Cluster.Client, key, await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(2, seed: 80))));
        Assert.Equal(2, (await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Cluster.Profile(key).GetSnapshot(2))).Snapshot);
        Assert.Equal(-1, (await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Cluster.Profile(key).GetSnapshot(-1))).Snapshot);
    }

    [Fact]
    public async Task A_session_id_cannot_be_reused_for_another_manifest()
    {
        var key = fixture.NewKey();
        var first = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(2, seed: 90)));
        var second = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(2, seed: 91)));
        var session = Guid.NewGuid();
        var begun = await Cluster.Upload(key).BeginUpload(first.Request(sessionId: session));

        var error = await Assert.ThrowsAsync<InvalidManifestException>(() => Cluster.Upload(key).BeginUpload(second.Request(sessionId: session)));

        Assert.Contains("open with another manifest", error.Reason, StringComparison.Ordinal);
        Assert.Equal<ContentHash>(begun.Missing, (await Cluster.Upload(key).BeginUpload(first.Request(sessionId: session))).Missing);
        Assert.Equal(1, (await Cluster.Profile(key).GetStatus()).OpenSessions);
    }

    [Fact]
    public async Task A_first_push_from_a_machine_that_never_synced_is_kept_as_a_conflict()
    {
        var key = fixture.NewKey();
        var fromA = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(4, seed: 95)));
        var fromB = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(4, seed: 96)));
        var a = await ProfileUploads.PushAsync(Cluster.Client, key, fromA, machine: "WS-A");

        var b = await ProfileUploads.PushAsync(Cluster.Client, key, fromB, baseSnapshot: 0, machine: "WS-B");

        Assert.Equal(0, a.Snapshot.Replaced);
        Assert.Equal(2, b.Snapshot.Number);
        Assert.Equal(1, b.Snapshot.Replaced);
        Assert.Equal<SnapshotInfo>([a.Snapshot, b.Snapshot], await Cluster.Profile(key).GetHistory());
    }
}
