using System.Collections.Immutable;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>Bad input gets a typed error and changes nothing (invariants 1 and 7).</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class UploadValidationTests(ProfileClusterFixture fixture) : IClassFixture<ProfileClusterFixture>
{
    private const string Hive = "NTUSER.DAT";
    private const string Text = "AppData\\Roaming\\a.txt";
    private const string Empty = "AppData\\Roaming\\empty.txt";

    private ProfileStoreCluster Cluster => fixture.Cluster;

    public static TheoryData<string> BadManifests =>
    [
        "claimed hash wrong",
        "unsorted paths",
        "duplicate path",
        "duplicate path differing in case",
        "parent segment",
        "drive letter",
        "rooted",
        "forward slash",
        "device name",
        "empty path",
        "chunk missing",
        "chunk extra",
        "locations given",
        "chunk size not a power of two",
        "negative length",
        "empty file with a non-empty hash",
        "base never committed",
        "machine empty",
        "machine with a control character",
        "no manifest",
    ];

    public static TheoryData<string> BadBatches =>
    [
        "bytes do not match the hash",
        "chunk not in the manifest",
        "wrong length",
        "no bytes",
        "batch over the limit",
    ];

    private static Task<UploadContent> SmallProfileAsync(int seed)
        => UploadContent.CreateAsync(
            (Hive, TestData.HiveLike(4, seed)),
            (Text, TestData.RandomBytes(5000, seed + 1)),
            (Empty, []));

    [Theory]
    [MemberData(nameof(BadManifests))]
    public async Task A_bad_manifest_is_refused_and_opens_no_session(string fault)
    {
        var key = fixture.NewKey();
        var content = await SmallProfileAsync(seed: 100);
        var (request, path) = Doctor(content, fault);

        var error = await Record.ExceptionAsync(() => Cluster.Upload(key).BeginUpload(request));

        Assert.True(error is InvalidManifestException, $"{fault}: {error?.GetType().Name ?? "no error"} {error?.Message}");
        var invalid = (InvalidManifestException)error!;
        Assert.Equal(path, invalid.Path);
        Assert.Contains(ReasonFragment(fault), invalid.Reason, StringComparison.Ordinal);
        Assert.Equal(new ProfileStatus(key.Value, null, 0, 0), await Cluster.Profile(key).GetStatus());
        Assert.False(Directory.Exists(Cluster.ProfileDirectory(key)), $"{fault}: something was stored");
    }

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task A_bad_chunk_batch_is_refused_whole_and_stages_nothing(string fault)
    {
        var key = fixture.NewKey();

        // Just over the batch limit, so a batch of every chunk is oversized.
        var pages = (ProfileClusterFixture.MaxBatchBytes / TestData.PageSize) + 4;
        var content = await UploadContent.CreateAsync((Hive, TestData.HiveLike(pages, seed: 200)));
        var upload = Cluster.Upload(key);
        var request = content.Request();
        var begun = await upload.BeginUpload(request);
        Assert.Equal(pages, begun.Missing.Length);

        var good = begun.Missing.Take(3).Select(content.Payload).ToList();
        var target = begun.Missing[3];
        var bytes = content.Chunks[target];
        var foreign = TestData.RandomBytes(TestData.PageSize, seed: 201);
        ImmutableArray<ChunkPayload> batch = fault switch
        {
            "bytes do not match the hash" => [.. good, new ChunkPayload(target, Flip(bytes, 1000))],
            "chunk not in the manifest" => [.. good, new ChunkPayload(ContentHash.Compute(foreign), foreign)],
            "wrong length" => [.. good, new ChunkPayload(target, bytes[..100])],
            "no bytes" => [.. good, new ChunkPayload(target, null!)],
            "batch over the limit" => [.. begun.Missing.Select(content.Payload)],
            _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
        };

        var error = await Record.ExceptionAsync(() => upload.PutChunks(request.SessionId, batch));

        switch (fault)
        {
            case "batch over the limit":
                var limit = Assert.IsType<RequestLimitException>(error);
                Assert.Equal((long)pages * TestData.PageSize, limit.Value);
                Assert.Equal(ProfileClusterFixture.MaxBatchBytes, limit.Maximum);
                break;
            case "chunk not in the manifest":
                Assert.Equal(ContentHash.Compute(foreign), Assert.IsType<ChunkRejectedException>(error).Hash);
                break;
            default:
                var rejected = Assert.IsType<ChunkRejectedException>(error);
                Assert.Equal(target, rejected.Hash);
                Assert.Equal(
                    fault switch
                    {
                        "bytes do not match the hash" => "its bytes do not match its SHA-256",
                        "wrong length" => "it has 100 bytes where the manifest says 4096",
                        _ => "it has no bytes",
                    },
                    rejected.Reason);
                break;
        }

        Assert.False(File.Exists(Cluster.StagingFile(key, request.SessionId)), $"{fault}: chunks were staged");
        var resumed = await upload.BeginUpload(request);
        Assert.Equal<ContentHash>(begun.Missing, resumed.Missing);

        // The session is still usable: the good chunks alone are accepted.
        Assert.Equal(pages - 3, await upload.PutChunks(request.SessionId, [.. good]));
    }

    [Fact]
    public async Task Commit_before_every_chunk_arrived_is_refused_and_changes_nothing()
    {
        var key = fixture.NewKey();
        var v1 = await SmallProfileAsync(seed: 300);
        var one = (await ProfileUploads.PushAsync(Cluster.Client, key, v1)).Snapshot;
        var v2 = await UploadContent.CreateAsync((Hive, TestData.ChangePages(v1.Files[Hive], [0, 1, 2, 3], seed: 301)), (Text, v1.Files[Text]), (Empty, []));
        var upload = Cluster.Upload(key);
        var request = v2.Request(baseSnapshot: 1);
        var begun = await upload.BeginUpload(request);
        Assert.Equal(4, begun.Missing.Length);
        Assert.Equal(3, await upload.PutChunks(request.SessionId, [v2.Payload(begun.Missing[2])]));

        var error = await Assert.ThrowsAsync<UploadIncompleteException>(() => upload.CommitUpload(request.SessionId));

        Assert.Equal(3, error.MissingChunks);
        Assert.Equal(request.SessionId, error.SessionId);
        Assert.Equal(new ProfileStatus(key.Value, one, 1, 1), await Cluster.Profile(key).GetStatus());
        Assert.Equal(one, (await Cluster.Profile(key).GetSnapshot(0)).Info);
        Assert.Equal<ContentHash>([begun.Missing[0], begun.Missing[1], begun.Missing[3]], (await upload.BeginUpload(request)).Missing);

        // It resumes: the rest arrives and the commit goes through.
        await ProfileUploads.PutAsync(upload, request.SessionId, v2, [begun.Missing[0], begun.Missing[1], begun.Missing[3]]);
        Assert.Equal(2, (await upload.CommitUpload(request.SessionId)).Snapshot.Number);
    }

    [Fact]
    public async Task A_manifest_that_lies_about_a_file_hash_is_refused_at_commit()
    {
        var key = fixture.NewKey();
        var v1 = await SmallProfileAsync(seed: 400);
        var one = (await ProfileUploads.PushAsync(Cluster.Client, key, v1)).Snapshot;

        // Changed chunks, all of them correct, but the file hash claims the old file.
        var honest = await UploadContent.CreateAsync((Hive, TestData.ChangePages(v1.Files[Hive], [1, 2], seed: 401)), (Text, v1.Files[Text]), (Empty, []));
        var oldHash = v1.Manifest.Files.Single(f => f.Path == Hive).Sha256;
        var lying = honest.WithManifest(honest.Manifest with { Files = [.. honest.Manifest.Files.Select(f => f.Path == Hive ? f with { Sha256 = oldHash } : f)] });

        await AssertRefusedAtCommitAsync(key, lying, Hive, one, v1);
    }

    [Fact]
    public async Task A_manifest_that_lies_about_an_unchanged_file_hash_is_refused_at_commit()
    {
        var key = fixture.NewKey();
        var v1 = await SmallProfileAsync(seed: 500);
        var one = (await ProfileUploads.PushAsync(Cluster.Client, key, v1)).Snapshot;

        // Every chunk is already stored: only the claimed hash of a.txt differs from snapshot 1.
        var lying = v1.WithManifest(v1.Manifest with { Files = [.. v1.Manifest.Files.Select(f => f.Path == Text ? f with { Sha256 = ContentHash.Compute([1, 2, 3]) } : f)] });

        await AssertRefusedAtCommitAsync(key, lying, Text, one, v1);
    }

    [Fact]
    public async Task A_manifest_whose_file_length_disagrees_with_its_chunks_is_refused_at_commit()
    {
        var key = fixture.NewKey();
        var v1 = await SmallProfileAsync(seed: 600);
        var one = (await ProfileUploads.PushAsync(Cluster.Client, key, v1)).Snapshot;

        // b.dat claims 100 bytes but names the chunk (and file hash) of a.dat's 4096 bytes.
        var page = TestData.RandomBytes(4096, seed: 601);
        var honest = await UploadContent.CreateAsync(("a.dat", page), ("b.dat", page));
        var lying = honest.WithManifest(honest.Manifest with { Files = [honest.Manifest.Files[0], honest.Manifest.Files[1] with { Length = 100 }] });

        await AssertRefusedAtCommitAsync(key, lying, "b.dat", one, v1);
    }

    private async Task AssertRefusedAtCommitAsync(ProfileKey key, UploadContent lying, string liePath, SnapshotInfo current, UploadContent currentContent)
    {
        var upload = Cluster.Upload(key);
        var request = lying.Request(baseSnapshot: current.Number);
        var begun = await upload.BeginUpload(request);
        await ProfileUploads.PutAsync(upload, request.SessionId, lying, begun.Missing);

        var error = await Assert.ThrowsAsync<FileHashMismatchException>(() => upload.CommitUpload(request.SessionId));

        Assert.Equal(liePath, error.Path);
        Assert.Equal(new ProfileStatus(key.Value, current, 1, 0), await Cluster.Profile(key).GetStatus());
        Assert.Equal(request.SessionId, (await Assert.ThrowsAsync<UploadSessionNotFoundException>(() => upload.CommitUpload(request.SessionId))).SessionId);
        Assert.False(File.Exists(Cluster.StagingFile(key, request.SessionId)));
        Assert.False(File.Exists(Cluster.PackFile(key, request.SessionId)));
        var snapshot = await Cluster.Profile(key).GetSnapshot(0);
        Assert.Equal(current, snapshot.Info);
        var files = await ProfileUploads.ReadFilesAsync(Cluster.Client, key, snapshot.Manifest);
        foreach (var (path, bytes) in currentContent.Files)
        {
            Assert.Equal(bytes, files[path]);
        }
    }

    /// <summary>A request with one fault, and the path the error should name (null when it names none).</summary>
    private static (BeginUploadRequest Request, string? Path) Doctor(UploadContent content, string fault)
    {
        var files = content.Manifest.Files;
        var hive = files.Single(f => f.Path == Hive);
        var text = files.Single(f => f.Path == Text);
        var empty = files.Single(f => f.Path == Empty);

        // The canonical order, which the doctored manifests below start from.
        Assert.Equal([Text, Empty, Hive], files.Select(f => f.Path));

        BeginUploadRequest WithFiles(params ManifestFile[] doctored)
        {
            var manifest = new ProfileManifest([.. doctored], []);
            return content.Request() with { Manifest = manifest, ManifestHash = manifest.ComputeHash() };
        }

        (BeginUploadRequest, string?) Renamed(string path) => (WithFiles(text, empty, hive with { Path = path }), path);

        return fault switch
        {
            "claimed hash wrong" => (content.Request() with { ManifestHash = ContentHash.Compute("another manifest"u8) }, null),
            "unsorted paths" => (WithFiles(hive, text, empty), Text),
            "duplicate path" => (WithFiles(text, text, empty, hive), Text),
            "duplicate path differing in case" => (WithFiles(text, text with { Path = Text.ToUpperInvariant() }, empty, hive), Text.ToUpperInvariant()),
            "parent segment" => Renamed("z\\..\\..\\evil.dat"),
            "drive letter" => Renamed("z:\\evil.dat"),
            "rooted" => Renamed("\\z\\evil.dat"),
            "forward slash" => Renamed("z/evil.dat"),
            "device name" => Renamed("z\\con.dat"),
            "empty path" => (WithFiles(hive with { Path = "" }, text, empty), ""),
            "chunk missing" => (WithFiles(text, empty, hive with { Chunks = hive.Chunks.RemoveAt(3) }), Hive),
            "chunk extra" => (WithFiles(text, empty, hive with { Chunks = hive.Chunks.Add(hive.Chunks[0]) }), Hive),
            "locations given" => (content.Request() with { Manifest = content.Manifest with { Locations = [new ChunkLocation(hive.Chunks[0], Guid.NewGuid(), 40, 4096)] } }, null),
            "chunk size not a power of two" => (WithFiles(text, empty, hive with { ChunkSize = 5000 }), Hive),
            "negative length" => (WithFiles(text, empty, hive with { Length = -1, Chunks = [] }), Hive),
            "empty file with a non-empty hash" => (WithFiles(text, empty with { Sha256 = hive.Sha256 }, hive), Empty),
            "base never committed" => (content.Request(baseSnapshot: 1), null),
            "machine empty" => (content.Request(machine: " "), null),
            "machine with a control character" => (content.Request(machine: "WS\n01"), null),
            "no manifest" => (content.Request() with { Manifest = null! }, null),
            _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
        };
    }

    /// <summary>Part of the reason each fault must be refused with, so each is caught by its own check.</summary>
    private static string ReasonFragment(string fault) => fault switch
    {
        "claimed hash wrong" => "not the",
        "unsorted paths" => "not in canonical order",
        "duplicate path" or "duplicate path differing in case" => "appears twice",
        "parent segment" => "'..' segment",
        "drive letter" => "':'",
        "rooted" or "empty path" => "empty",
        "forward slash" => "'/'",
        "device name" => "reserved Windows device name",
        "chunk missing" => "3 chunks listed for a length that needs 4",
        "chunk extra" => "5 chunks listed for a length that needs 4",
        "locations given" => "no chunk locations",
        "chunk size not a power of two" => "chunk size 5000",
        "negative length" => "negative length",
        "empty file with a non-empty hash" => "an empty file",
        "base never committed" => "base snapshot 1 was never committed",
        "machine empty" or "machine with a control character" => "machine name",
        "no manifest" => "no chunk locations",
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };

    private static byte[] Flip(byte[] data, int index)
    {
        var copy = (byte[])data.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}
