using System.Buffers.Binary;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Commit;
using Orleans.Profiles.Hives;
using Orleans.Profiles.Local;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>The commit-time checks on their own: a local pack store in a temporary folder, no cluster.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class SnapshotVerifierTests : IDisposable
{
    private const int MaxReadBytes = 1024 * 1024;

    private static readonly ProfileKey Profile = ProfileKey.Parse("CONTOSO\\Alice");

    private readonly TempDirectory _data = new("verifier");

    public void Dispose() => _data.Dispose();

    private LocalPackStore Packs => new(Options.Create(new LocalStorageOptions { DataDirectory = _data.Path }));

    [Fact]
    public async Task A_snapshot_rebuilt_from_its_pack_verifies_clean()
    {
        var (manifest, _) = await CommitAsync(("NTUSER.DAT", TestData.HiveLike(300, seed: 1)), ("AppData\\Roaming\\a.bin", TestData.RandomBytes(70_000, seed: 2)));

        Assert.Equal(new SnapshotVerification(null, null, null), await Verifier().VerifyFilesAsync(Profile, manifest, index: null));
    }

    [Fact]
    public async Task A_file_whose_stored_bytes_do_not_match_its_hash_is_named()
    {
        var (manifest, _) = await CommitAsync(("NTUSER.DAT", TestData.HiveLike(20, seed: 3)), ("b.bin", TestData.RandomBytes(9000, seed: 4)));
        var wrong = manifest with { Files = [manifest.Files[0], manifest.Files[1] with { Sha256 = ContentHash.Compute([1, 2, 3]) }] };

        Assert.Equal(new SnapshotVerification("NTUSER.DAT", null, null), await Verifier().VerifyFilesAsync(Profile, wrong, index: null));
    }

    [Fact]
    public async Task A_pack_damaged_after_staging_is_caught_at_commit()
    {
        var hive = TestData.HiveLike(40, seed: 5);
        var (manifest, pack) = await CommitAsync(("NTUSER.DAT", hive));
        FlipLastByte(pack);

        Assert.Equal("NTUSER.DAT", (await Verifier().VerifyFilesAsync(Profile, manifest, index: null)).CorruptPath);
    }

    [Fact]
    public async Task A_file_already_verified_in_the_index_is_not_read_again()
    {
        var hive = TestData.HiveLike(40, seed: 6);
        var (manifest, pack) = await CommitAsync(("NTUSER.DAT", hive));
        FlipLastByte(pack);

        // Only the first chunk (its dirty flag) is read for a file the index holds: the damaged last one is not.
        Assert.Equal(new SnapshotVerification(null, null, null), await Verifier().VerifyFilesAsync(Profile, manifest, index: manifest));
    }

    [Fact]
    public async Task A_truncated_hive_is_reported_as_the_hive_checker_finds_it_in_memory()
    {
        var truncated = TestData.HiveLike(100, seed: 7)[..250_000];
        var (manifest, _) = await CommitAsync(("NTUSER.DAT", truncated));
        var expected = HiveChecker.Check("NTUSER.DAT", truncated);

        var verification = await Verifier().VerifyFilesAsync(Profile, manifest, index: null);

        Assert.NotNull(expected.Problem);
        Assert.Equal(new SnapshotVerification(null, expected, $"NTUSER.DAT is damaged at offset {expected.Offset}: {expected.Problem}"), verification);
    }

    [Fact]
    public async Task A_file_named_like_a_hive_without_the_signature_is_damaged_at_offset_0()
    {
        var (manifest, _) = await CommitAsync(("AppData\\Local\\Microsoft\\Windows\\UsrClass.dat", TestData.RandomBytes(8192, seed: 8)));

        var verification = await Verifier().VerifyFilesAsync(Profile, manifest, index: null);

        Assert.Equal(0, verification.Damaged?.Offset);
        Assert.Equal("AppData\\Local\\Microsoft\\Windows\\UsrClass.dat is damaged at offset 0: a registry hive must start with the \"regf\" signature (the first page is damaged)", verification.Warning);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task A_dirty_hive_warns_only_without_its_transaction_logs(bool withLogs, bool warns)
    {
        var hive = TestData.HiveLike(10, seed: 9);
        BinaryPrimitives.WriteUInt32LittleEndian(hive.AsSpan(0x08), 2);
        TestData.SetChecksum(hive);
        (string, byte[])[] files = withLogs ? [("NTUSER.DAT", hive), ("NTUSER.DAT.LOG1", TestData.RandomBytes(512, seed: 10))] : [("NTUSER.DAT", hive)];
        var (manifest, _) = await CommitAsync(files);

        var verification = await Verifier().VerifyFilesAsync(Profile, manifest, index: null);

        Assert.Null(verification.Damaged);
        Assert.Equal(
            warns ? "NTUSER.DAT is dirty (a write was under way when it was copied) but its .LOG1/.LOG2 are not in the snapshot: changes since its last flush may be missing" : null,
            verification.Warning);
    }

    private SnapshotVerifier Verifier() => new(Packs, MaxReadBytes);

    /// <summary>Stages and commits the files' chunks as an upload would; returns the committed manifest and its pack file.</summary>
    private async Task<(ProfileManifest Manifest, string Pack)> CommitAsync(params (string Path, byte[] Data)[] files)
    {
        var content = await UploadContent.CreateAsync(files);
        var session = Guid.NewGuid();
        await Packs.StageAsync(Profile, session, [.. content.DistinctChunks.Select(content.Payload)]);
        var locations = await Packs.CommitAsync(Profile, session);
        return (content.Manifest.WithLocations(locations), _data.Combine("profiles", Profile.StorageName, "packs", $"{session:N}.pack"));
    }

    private static void FlipLastByte(string path)
    {
        using var file = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = file.Length - 1;
        var last = file.ReadByte();
        file.Position = file.Length - 1;
        file.WriteByte((byte)(last ^ 0xFF));
    }
}
