using Orleans.Profiles.Tests.Hives;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>A hive is sanity-checked before its commit: a torn or truncated one never replaces a good one.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class HiveCommitTests(ProfileClusterFixture fixture) : IClassFixture<ProfileClusterFixture>
{
    private ProfileStoreCluster Cluster => fixture.Cluster;

    private static byte[] Hive(uint primary = 0x2ED, uint secondary = 0x2ED) => new HiveBuilder { PrimarySequence = primary, SecondarySequence = secondary, TailLength = 0x1000 }
        .Bin(4096, -0x60, -0x18, 0x40)
        .Bin(8192, -0x1400, -0x20)
        .Bin(4096, -0x10, -0x10)
        .Build();

    public static TheoryData<string, long> Damages => new()
    {
        { "a zeroed bin", 0x2000 },
        { "truncated", 0x3800 },
        { "a zeroed first page", 0 },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_hive_is_refused_naming_the_file_and_offset_and_the_last_good_snapshot_stays(string damage, long offset)
    {
        var key = fixture.NewKey();
        var good = await UploadContent.CreateAsync(("NTUSER.DAT", Hive()), (@"AppData\Roaming\a.txt", TestData.RandomBytes(100, seed: 1)));
        await ProfileUploads.PushAsync(Cluster.Client, key, good);

        var bytes = Hive();
        bytes = damage switch
        {
            "a zeroed bin" => Zeroed(bytes, 0x2000, 0x4000),
            "truncated" => bytes[..0x3800],
            _ => Zeroed(bytes, 0, 0x1000),
        };
        var torn = await UploadContent.CreateAsync(("NTUSER.DAT", bytes), (@"AppData\Roaming\a.txt", TestData.RandomBytes(100, seed: 2)));
        var refused = await Assert.ThrowsAsync<DamagedHiveException>(() => ProfileUploads.PushAsync(Cluster.Client, key, torn, baseSnapshot: 1));

        Assert.Equal("NTUSER.DAT", refused.Path);
        Assert.Equal(offset, refused.Offset);
        var status = await Cluster.Profile(key).GetStatus();
        Assert.Equal(1, status.Current!.Number);
        Assert.Equal(0, status.OpenSessions);
    }

    [Fact]
    public async Task A_dirty_hive_is_accepted_and_marked_when_its_logs_are_not_in_the_snapshot()
    {
        var key = fixture.NewKey();
        var alone = await UploadContent.CreateAsync(("NTUSER.DAT", Hive(primary: 8, secondary: 7)));
        var commit = await ProfileUploads.PushAsync(Cluster.Client, key, alone);
        Assert.Contains("NTUSER.DAT is dirty", commit.Snapshot.Warning, StringComparison.Ordinal);
        Assert.Equal(commit.Snapshot.Warning, (await Cluster.Profile(key).GetHistory())[0].Warning);

        var log = new HiveBuilder { FileType = 2 }.Bin(4096, -0x20).Build();
        var withLogs = await UploadContent.CreateAsync(("NTUSER.DAT", Hive(primary: 9, secondary: 8)), ("ntuser.dat.LOG1", log));
        var second = await ProfileUploads.PushAsync(Cluster.Client, key, withLogs, baseSnapshot: 1);
        Assert.Null(second.Snapshot.Warning);
    }

    [Fact]
    public async Task A_clean_hive_and_files_that_are_not_hives_commit_without_a_warning()
    {
        var key = fixture.NewKey();
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", Hive()), ("notes.txt", TestData.RandomBytes(5000, seed: 3)), ("empty.dat", []));
        var commit = await ProfileUploads.PushAsync(Cluster.Client, key, content);
        Assert.Null(commit.Snapshot.Warning);
    }

    private static byte[] Zeroed(byte[] bytes, int from, int to)
    {
        var copy = (byte[])bytes.Clone();
        copy.AsSpan(from, to - from).Clear();
        return copy;
    }
}
