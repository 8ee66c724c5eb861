using Orleans.Profiles.Hives;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Hives;

/// <summary>
/// The hive sanity check: a built hive passes whatever the pieces it is fed in, and each kind of damage a torn or
/// truncated write leaves is found at its exact offset.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class HiveCheckerTests
{
    private const string Path = @"NTUSER.DAT";

    /// <summary>
    /// The sample hive: 4 bins (4096, 8192, 8192, 4096 bytes) from 0x1000 to 0x7000, cells allocated and free of
    /// sizes from 8 to 0x1FB8, and 0x2000 bytes of remnants after the bins (from 0x7000 to 0x9000).
    /// </summary>
    private static HiveBuilder Sample(int tail = 0x2000) => new HiveBuilder { TailLength = tail }
        .Bin(4096, -0x60, -0x18, 0x40, -0x8, -0x100)   // cells at 0x1020, 0x1080, 0x1098, 0x10D8, 0x10E0, then free 0xE20 at 0x11E0
        .Bin(8192, -0x1400, -0x20)                     // cells at 0x2020 (to 0x3420), 0x3420, then free 0xBC0 at 0x3440
        .Bin(8192, -0x28)                              // cell at 0x4020, then free 0x1FB8 at 0x4048: the page at 0x5000 is zeros inside it
        .Bin(4096, -0x10, -0x10, 0x30, -0xF90);        // cells at 0x6020, 0x6030, 0x6040, 0x6070

    private static HiveCheckResult Fine(long length, uint sequence = 0x2ED, long binsDataSize = 0x6000) =>
        new(Path, length, IsHive: true, IsLog: false, Problem: null, Offset: null, IsDirty: false, sequence, sequence, binsDataSize);

    private static HiveCheckResult Feed(byte[] file, int piece)
    {
        var checker = new HiveChecker(Path);
        for (var at = 0; at < file.Length; at += piece)
        {
            checker.Append(file.AsSpan(at, Math.Min(piece, file.Length - at)));
        }

        return checker.Complete(file.Length);
    }

    [Fact]
    public void The_sample_layout_is_the_one_the_tests_assume()
    {
        var hive = Sample();
        var file = hive.Build();

        Assert.Equal(0x9000, file.Length);
        Assert.Equal(0x6000, hive.BinsDataSize);
        Assert.Equal([0x1000L, 0x2000, 0x4000, 0x6000], Enumerable.Range(0, 4).Select(hive.BinOffset));
        Assert.Equal([0x1020L, 0x1080, 0x1098, 0x10D8, 0x10E0, 0x11E0], Enumerable.Range(0, 6).Select(c => hive.CellOffset(0, c)));
        Assert.Equal([0x2020L, 0x3420, 0x3440], Enumerable.Range(0, 3).Select(c => hive.CellOffset(1, c)));
        Assert.Equal([0x4020L, 0x4048], Enumerable.Range(0, 2).Select(c => hive.CellOffset(2, c)));
        Assert.Equal([0x6020L, 0x6030, 0x6040, 0x6070], Enumerable.Range(0, 4).Select(c => hive.CellOffset(3, c)));
        Assert.Equal(0xE20u, HiveBuilder.GetUInt32(file, 0x11E0));
        Assert.Equal(unchecked((uint)-0x1400), HiveBuilder.GetUInt32(file, 0x2020));
        Assert.Equal(0x1FB8u, HiveBuilder.GetUInt32(file, 0x4048));
        Assert.False(file.AsSpan(0x5000, 0x1000).ContainsAnyExcept((byte)0));
        Assert.Equal("hbin"u8.ToArray(), file[0x7000..0x7004]);
    }

    [Fact]
    public void A_built_hive_passes()
    {
        Assert.Equal(Fine(0x9000), HiveChecker.Check(Path, Sample().Build()));
    }

    [Fact]
    public void A_built_hive_without_a_tail_passes()
    {
        Assert.Equal(Fine(0x7000), HiveChecker.Check(Path, Sample(tail: 0).Build()));
    }

    [Fact]
    public void A_hive_of_one_bin_with_one_cell_passes()
    {
        var file = new HiveBuilder().Bin(4096, -0xFE0).Build();

        Assert.Equal(Fine(0x2000, binsDataSize: 0x1000), HiveChecker.Check(Path, file));
    }

    [Fact]
    public void A_large_bin_holding_big_data_passes()
    {
        var file = new HiveBuilder { TailLength = 100 }.Bin(4096, -0x50).Bin(0x5000, -0x4800).Build();

        Assert.Equal(Fine(0x7064, binsDataSize: 0x6000), HiveChecker.Check(Path, file));
    }

    [Theory]
    [InlineData(3u, 1u)]   // Windows XP, clustering factor 1
    [InlineData(5u, 8u)]   // Vista on a 4 KiB sector disk: clustering factor 8
    [InlineData(6u, 1u)]   // Windows 10 with layered keys
    [InlineData(1u, 1u)]   // Windows NT 3.1
    public void Minor_versions_and_clustering_factors_that_real_hives_have_pass(uint minor, uint clustering)
    {
        var file = new HiveBuilder { MinorVersion = minor, ClusteringFactor = clustering }.Bin(4096, -0x20).Build();

        Assert.Equal(Fine(0x2000, binsDataSize: 0x1000), HiveChecker.Check(Path, file));
    }

    [Fact]
    public void A_dirty_hive_passes_and_is_reported_dirty()
    {
        var file = new HiveBuilder { PrimarySequence = 0x237, SecondarySequence = 0x236 }.Bin(4096, -0x20).Build();

        Assert.Equal(
            new HiveCheckResult(Path, 0x2000, true, false, null, null, IsDirty: true, 0x237, 0x236, 0x1000),
            HiveChecker.Check(Path, file));
    }

    [Fact]
    public void A_dirty_and_damaged_hive_reports_both()
    {
        var file = new HiveBuilder { PrimarySequence = 9, SecondarySequence = 8 }.Bin(4096, -0x20).Build();

        var result = HiveChecker.Check(Path, file[..0x1800]);

        Assert.True(result.IsDirty);
        Assert.Equal(0x1800, result.Offset);
        Assert.Equal("the file ends at 0x1800, inside the hive bin at 0x1000, before the end of the hive bins data at 0x2000 (truncated)", result.Problem);
    }

    public static TheoryData<string> DamageNames => [.. Damages().Keys];

    [Theory]
    [MemberData(nameof(DamageNames))]
    public void Each_damage_is_found_at_its_exact_offset(string name)
    {
        var (file, offset, problem) = Damages()[name];

        var result = HiveChecker.Check(Path, file);

        Assert.True(result.IsHive);
        Assert.False(result.IsLog);
        Assert.Equal(problem, result.Problem);
        Assert.Equal(offset, result.Offset);
        Assert.Equal(file.Length, result.Length);
    }

    /// <summary>Each damage: the damaged file, the offset where it must be found, and the exact problem.</summary>
    private static Dictionary<string, (byte[] File, long Offset, string Problem)> Damages()
    {
        var cases = new Dictionary<string, (byte[], long, string)>();

        void Add(string name, byte[] file, long offset, string problem) => cases.Add(name, (file, offset, problem));

        static byte[] With(Action<byte[]> damage, bool fixChecksum = false, int tail = 0x2000)
        {
            var file = Sample(tail).Build();
            damage(file);
            if (fixChecksum)
            {
                HiveBuilder.SetChecksum(file);
            }

            return file;
        }

        var sample = Sample().Build();
        var noTail = Sample(tail: 0).Build();

        // Truncation.
        Add("truncated after the signature", sample[..4], 4, "the file ends at 0x4, inside its 4096-byte base block (truncated)");
        Add("truncated before the checksum", sample[..0x100], 0x100, "the file ends at 0x100, inside its 4096-byte base block (truncated)");
        Add("truncated in the base block", sample[..2000], 2000, "the file ends at 0x7D0, inside its 4096-byte base block (truncated)");
        Add("truncated at the end of the base block", sample[..0x1000], 0x1000,
            "the file ends at 0x1000 where a hive bin must start: the hive bins data size 0x6000 (at 0x28) says the bins run to 0x7000, so the file is truncated or that size is wrong");
        Add("truncated in a bin", sample[..0x2123], 0x2123, "the file ends at 0x2123, inside the hive bin at 0x2000, before the end of the hive bins data at 0x7000 (truncated)");
        Add("truncated in a cell header", sample[..0x3422], 0x3422, "the file ends at 0x3422, inside the hive bin at 0x2000, before the end of the hive bins data at 0x7000 (truncated)");
        Add("truncated in a bin header", sample[..0x4010], 0x4010, "the file ends at 0x4010, inside the hive bin at 0x4000, before the end of the hive bins data at 0x7000 (truncated)");
        Add("truncated one byte short", noTail[..0x6FFF], 0x6FFF, "the file ends at 0x6FFF, inside the hive bin at 0x6000, before the end of the hive bins data at 0x7000 (truncated)");
        Add("truncated at a bin boundary", sample[..0x4000], 0x4000,
            "the file ends at 0x4000 where a hive bin must start: the hive bins data size 0x6000 (at 0x28) says the bins run to 0x7000, so the file is truncated or that size is wrong");

        // Base block.
        var checksum = HiveBuilder.GetUInt32(sample, 0x1FC);
        Add("checksum wrong", With(f => f[0x40] ^= 0x01), 0x1FC,
            $"the base block's checksum (at 0x1FC) is 0x{checksum:X8}, but its first 508 bytes give 0x{checksum ^ 1:X8}");
        Add("checksum field damaged", With(f => HiveBuilder.SetUInt32(f, 0x1FC, 0)), 0x1FC,
            $"the base block's checksum (at 0x1FC) is 0x00000000, but its first 508 bytes give 0x{checksum:X8}");
        Add("file type neither primary nor log", With(f => HiveBuilder.SetUInt32(f, 0x1C, 3), fixChecksum: true), 0x1C,
            "the base block's file type (at 0x1C) is 3: a primary hive has 0 (1, 2 and 6 are transaction logs)");
        Add("major version not 1", With(f => HiveBuilder.SetUInt32(f, 0x14, 2), fixChecksum: true), 0x14,
            "the base block's major version (at 0x14) is 2: every hive format has 1");
        Add("file format not 1", With(f => HiveBuilder.SetUInt32(f, 0x20, 0), fixChecksum: true), 0x20,
            "the base block's file format (at 0x20) is 0: a primary hive has 1 (direct memory load)");
        Add("bins size not a multiple of 4096", With(f => HiveBuilder.SetUInt32(f, 0x28, 0x5FF8), fixChecksum: true), 0x28,
            "the base block's hive bins data size (at 0x28) is 0x5FF8, not a multiple of 4096");
        Add("bins size zero", With(f => HiveBuilder.SetUInt32(f, 0x28, 0), fixChecksum: true), 0x28,
            "the base block's hive bins data size (at 0x28) is 0: a hive has at least one bin");
        Add("bins size beyond the file", With(f => HiveBuilder.SetUInt32(f, 0x28, 0x7000), fixChecksum: true, tail: 0), 0x7000,
            "the file ends at 0x7000 where a hive bin must start: the hive bins data size 0x7000 (at 0x28) says the bins run to 0x8000, so the file is truncated or that size is wrong");
        Add("bins size far beyond the file", With(f => HiveBuilder.SetUInt32(f, 0x28, 0xFFFFF000), fixChecksum: true, tail: 0), 0x7000,
            "the file ends at 0x7000 where a hive bin must start: the hive bins data size 0xFFFFF000 (at 0x28) says the bins run to 0x100000000, so the file is truncated or that size is wrong");
        Add("bins size reaching into the remnants", With(f => HiveBuilder.SetUInt32(f, 0x28, 0x7000), fixChecksum: true), 0x7004,
            "the hive bin at 0x7000 records its offset as 0x13B2000, but it is at 0x6000 in the hive bins data");

        // Zeroed pages and sectors.
        Add("zeroed page in the middle of a bin", With(f => HiveBuilder.Zero(f, 0x3000, 0x4000)), 0x3000,
            "the 4096-byte page at 0x3000 is all zeros where the cell at 0x3420 of the hive bin at 0x2000 must be (a write that never completed)");
        Add("zeroed sector over a cell header", With(f => HiveBuilder.Zero(f, 0x3400, 0x3600)), 0x3420,
            "the cell at 0x3420 has size 0: the cells of the hive bin at 0x2000 must fill it exactly, and 0xBE0 bytes of it are left to 0x4000");
        Add("zeroed page holding a bin header", With(f => HiveBuilder.Zero(f, 0x4000, 0x5000)), 0x4000,
            "the 4096-byte page at 0x4000 is all zeros where the header of the hive bin at 0x4000 must be (a write that never completed)");
        Add("zeroed bin header", With(f => HiveBuilder.Zero(f, 0x4000, 0x4020)), 0x4000,
            "no hive bin at 0x4000: it must start with \"hbin\" (6862696E) but starts with 00000000");
        Add("zeroed first bin", With(f => HiveBuilder.Zero(f, 0x1000, 0x2000)), 0x1000,
            "the 4096-byte page at 0x1000 is all zeros where the header of the hive bin at 0x1000 must be (a write that never completed)");
        Add("zeroed last page", With(f => HiveBuilder.Zero(f, 0x6000, 0x7000), tail: 0), 0x6000,
            "the 4096-byte page at 0x6000 is all zeros where the header of the hive bin at 0x6000 must be (a write that never completed)");
        Add("zeroed to a truncated end", With(f => HiveBuilder.Zero(f, 0x6000, 0x7000), tail: 0)[..0x6800], 0x6000,
            "the file is all zeros from 0x6000 to its end at 0x6800, where the header of the hive bin at 0x6000 must be (a write that never completed)");
        Add("page zeroed but for its last byte", With(f => { HiveBuilder.Zero(f, 0x3000, 0x4000); f[0x3FFF] = 1; }), 0x3420,
            "the cell at 0x3420 has size 0: the cells of the hive bin at 0x2000 must fill it exactly, and 0xBE0 bytes of it are left to 0x4000");
        Add("bin signature damaged", With(f => f[0x4003] = (byte)'N'), 0x4000,
            "no hive bin at 0x4000: it must start with \"hbin\" (6862696E) but starts with 6862694E");

        // Bins.
        Add("wrong hbin offset field", With(f => HiveBuilder.SetUInt32(f, 0x4004, 0x2000)), 0x4004,
            "the hive bin at 0x4000 records its offset as 0x2000, but it is at 0x3000 in the hive bins data");
        Add("first bin offset field not zero", With(f => HiveBuilder.SetUInt32(f, 0x1004, 0x1000)), 0x1004,
            "the hive bin at 0x1000 records its offset as 0x1000, but it is at 0x0 in the hive bins data");
        Add("bin size zero", With(f => HiveBuilder.SetUInt32(f, 0x4008, 0)), 0x4008,
            "the hive bin at 0x4000 has size 0");
        Add("bin size not a multiple of 4096", With(f => HiveBuilder.SetUInt32(f, 0x4008, 0x2100)), 0x4008,
            "the hive bin at 0x4000 has size 0x2100, not a multiple of 4096");
        Add("bin running past the bins data", With(f => HiveBuilder.SetUInt32(f, 0x6008, 0x2000)), 0x6008,
            "the hive bin at 0x6000 of 0x2000 bytes runs to 0x8000, past the end of the hive bins data at 0x7000");
        Add("bin shorter than its cells", With(f => HiveBuilder.SetUInt32(f, 0x2008, 0x1000)), 0x2020,
            "the cell at 0x2020 of 5120 bytes runs to 0x3420, past the end of its hive bin (0x2000 to 0x3000)");

        // Cells.
        Add("cell size zero", With(f => HiveBuilder.SetUInt32(f, 0x1080, 0)), 0x1080,
            "the cell at 0x1080 has size 0: the cells of the hive bin at 0x1000 must fill it exactly, and 0xF80 bytes of it are left to 0x2000");
        Add("allocated cell size not a multiple of 8", With(f => HiveBuilder.SetUInt32(f, 0x1080, unchecked((uint)-0x1C))), 0x1080,
            "the cell at 0x1080 in the hive bin at 0x1000 has size 28 (0xFFFFFFE4), not a multiple of 8");
        Add("free cell size not a multiple of 8", With(f => HiveBuilder.SetUInt32(f, 0x1098, 0x44)), 0x1098,
            "the cell at 0x1098 in the hive bin at 0x1000 has size 68 (0x00000044), not a multiple of 8");
        Add("free cell running past its bin", With(f => HiveBuilder.SetUInt32(f, 0x11E0, 0xE28)), 0x11E0,
            "the cell at 0x11E0 of 3624 bytes runs to 0x2008, past the end of its hive bin (0x1000 to 0x2000)");
        Add("allocated cell running past the hive", With(f => HiveBuilder.SetUInt32(f, 0x6070, unchecked((uint)-0xF98))), 0x6070,
            "the cell at 0x6070 of 3992 bytes runs to 0x7008, past the end of its hive bin (0x6000 to 0x7000)");
        Add("cell of the most negative size", With(f => HiveBuilder.SetUInt32(f, 0x1080, 0x80000000)), 0x1080,
            "the cell at 0x1080 of 2147483648 bytes runs to 0x80001080, past the end of its hive bin (0x1000 to 0x2000)");
        Add("cells not tiling the bin: a gap at its end", Gap(gap: null), 0x6FF0,
            "the cell at 0x6FF0 has size 0: the cells of the hive bin at 0x6000 must fill it exactly, and 0x10 bytes of it are left to 0x7000");
        Add("cells not tiling the bin: a stale cell in the gap", Gap(gap: 0x18), 0x6FF0,
            "the cell at 0x6FF0 of 24 bytes runs to 0x7008, past the end of its hive bin (0x6000 to 0x7000)");
        Add("cells not tiling the bin: a cell that skips into the next bin", With(f => HiveBuilder.SetUInt32(f, 0x3440, 0xBC0 + 0x40)), 0x3440,
            "the cell at 0x3440 of 3072 bytes runs to 0x4040, past the end of its hive bin (0x2000 to 0x4000)");

        return cases;

        static byte[] Gap(uint? gap)
        {
            var hive = new HiveBuilder()
                .Bin(4096, -0x60, -0x18, 0x40, -0x8, -0x100)
                .Bin(8192, -0x1400, -0x20)
                .Bin(8192, -0x28)
                .BinWithoutFill(4096, -0x10, -0x10, 0x30, -0xF80);   // 0x10 bytes short of the bin's end
            var file = hive.Build();
            Assert.Equal(0x6FF0, hive.CellOffset(3, 4));
            if (gap is { } size)
            {
                HiveBuilder.SetUInt32(file, 0x6FF0, size);
            }

            return file;
        }
    }

    public static TheoryData<string, int> PiecesOfEveryFile()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Files().Keys)
        {
            foreach (var piece in new[] { 1, 7, 4096, 5000 })
            {
                data.Add(name, piece);
            }
        }

        return data;
    }

    /// <summary>Valid hives, a dirty one, a log, a file that is not a hive, and every damaged one.</summary>
    private static Dictionary<string, byte[]> Files()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["valid"] = Sample().Build(),
            ["valid without a tail"] = Sample(tail: 0).Build(),
            ["dirty"] = new HiveBuilder { PrimarySequence = 3, SecondarySequence = 2, TailLength = 5 }.Bin(8192, -0x18).Build(),
            ["log"] = Log(6, 0x2000),
            ["not a hive"] = NotAHive(20_000),
        };
        foreach (var (name, damage) in Damages())
        {
            files.Add(name, damage.File);
        }

        return files;
    }

    [Theory]
    [MemberData(nameof(PiecesOfEveryFile))]
    public void Pieces_of_any_size_give_the_same_result_as_the_whole_file(string name, int piece)
    {
        var file = Files()[name];

        Assert.Equal(HiveChecker.Check(Path, file), Feed(file, piece));
    }

    [Fact]
    public void Pieces_of_random_sizes_give_the_same_result_as_the_whole_file()
    {
        var random = new Random(20240611);
        foreach (var (name, file) in Files())
        {
            var expected = HiveChecker.Check(Path, file);
            var checker = new HiveChecker(Path);
            for (var at = 0; at < file.Length;)
            {
                var piece = Math.Min(random.Next(0, 700), file.Length - at);   // empty pieces included
                checker.Append(file.AsSpan(at, piece));
                at += piece;
            }

            Assert.Equal((name, expected), (name, checker.Complete(file.Length)));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(100)]
    [InlineData(20_000)]
    public void A_file_that_is_not_a_hive_is_never_a_problem(int length)
    {
        Assert.Equal(
            new HiveCheckResult(Path, length, false, false, null, null, false, 0, 0, 0),
            HiveChecker.Check(Path, NotAHive(length)));
    }

    [Theory]
    [InlineData("reg")]          // shorter than the signature
    [InlineData("REGF")]         // the signature is case-sensitive
    [InlineData(" regf")]        // not at the start
    [InlineData("hbin")]
    public void A_file_without_the_regf_signature_is_not_a_hive(string start)
    {
        var file = Sample().Build();
        var text = System.Text.Encoding.ASCII.GetBytes(start);
        var damaged = text.Length < 4 ? text : [.. text, .. file.AsSpan(4)];

        var result = HiveChecker.Check(Path, damaged);

        Assert.Equal(new HiveCheckResult(Path, damaged.Length, false, false, null, null, false, 0, 0, 0), result);
    }

    [Theory]
    [InlineData(1u, 0x2000)]     // Windows XP to 8 log (old format: base block sector, "DIRT" and dirty pages)
    [InlineData(2u, 0x2000)]     // Windows 2000 log
    [InlineData(6u, 0x2000)]     // Windows 8.1 and later log (new format: "HvLE" entries)
    [InlineData(6u, 0x100)]      // a log cut inside its base block sector
    [InlineData(6u, 0x20)]       // just enough to read the file type
    public void A_transaction_log_is_not_a_primary_hive_and_is_not_refused(uint fileType, int length)
    {
        var log = Log(fileType, length);

        Assert.Equal(
            new HiveCheckResult(Path, length, IsHive: false, IsLog: true, null, null, IsDirty: false, 0x237, 0x236, length >= 0x2C ? 0xBE000 : 0),
            HiveChecker.Check(Path, log));
    }

    [Fact]
    public void A_primary_hive_cut_before_its_file_type_is_truncated()
    {
        var result = HiveChecker.Check(Path, Log(6, 0x40)[..0x1C]);

        Assert.True(result.IsHive);
        Assert.False(result.IsLog);
        Assert.Equal(0x1C, result.Offset);
        Assert.Equal("the file ends at 0x1C, inside its 4096-byte base block (truncated)", result.Problem);
    }

    [Fact]
    public void A_checksum_of_0xFFFFFFFF_is_stored_as_0xFFFFFFFE()
    {
        var file = Sample().Build();
        HiveBuilder.ForceHeaderXor(file, 0xFFFFFFFF);
        Assert.Equal(0xFFFFFFFFu, HiveBuilder.HeaderXor(file));

        HiveBuilder.SetUInt32(file, 0x1FC, 0xFFFFFFFE);
        Assert.Equal(Fine(0x9000), HiveChecker.Check(Path, file));

        HiveBuilder.SetUInt32(file, 0x1FC, 0xFFFFFFFF);
        var result = HiveChecker.Check(Path, file);
        Assert.Equal(0x1FC, result.Offset);
        Assert.Equal("the base block's checksum (at 0x1FC) is 0xFFFFFFFF, but its first 508 bytes give 0xFFFFFFFE", result.Problem);
    }

    [Fact]
    public void A_checksum_of_0_is_stored_as_1()
    {
        var file = Sample().Build();
        HiveBuilder.ForceHeaderXor(file, 0);
        Assert.Equal(0u, HiveBuilder.HeaderXor(file));

        HiveBuilder.SetUInt32(file, 0x1FC, 1);
        Assert.Equal(Fine(0x9000), HiveChecker.Check(Path, file));

        HiveBuilder.SetUInt32(file, 0x1FC, 0);
        var result = HiveChecker.Check(Path, file);
        Assert.Equal(0x1FC, result.Offset);
        Assert.Equal("the base block's checksum (at 0x1FC) is 0x00000000, but its first 508 bytes give 0x00000001", result.Problem);
    }

    [Fact]
    public void Checksums_next_to_the_special_cases_are_stored_as_they_are()
    {
        foreach (var xor in new uint[] { 0xFFFFFFFE, 1 })
        {
            var file = Sample().Build();
            HiveBuilder.ForceHeaderXor(file, xor);
            HiveBuilder.SetUInt32(file, 0x1FC, xor);

            Assert.Equal(Fine(0x9000), HiveChecker.Check(Path, file));
        }
    }

    [Fact]
    public void Only_the_first_problem_in_file_order_is_reported()
    {
        var file = Sample().Build();
        HiveBuilder.SetUInt32(file, 0x6008, 0);
        HiveBuilder.SetUInt32(file, 0x1098, 0x44);

        Assert.Equal(0x1098, HiveChecker.Check(Path, file).Offset);
    }

    [Fact]
    public void Completing_with_a_length_other_than_the_bytes_appended_is_refused()
    {
        var checker = new HiveChecker(Path);
        checker.Append(Sample().Build());

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => checker.Complete(0x8FFF));
        Assert.Equal("totalLength", error.ParamName);
    }

    [Fact]
    public void A_completed_check_takes_no_more_bytes_and_gives_the_same_result_again()
    {
        var checker = new HiveChecker(Path);
        checker.Append(Sample().Build());
        var result = checker.Complete(0x9000);

        Assert.Throws<InvalidOperationException>(() => checker.Append(new byte[1]));
        Assert.Same(result, checker.Complete(0x9000));
        Assert.Throws<ArgumentOutOfRangeException>(() => checker.Complete(0x9001));
    }

    [Fact]
    public void Appending_a_large_hive_allocates_nothing()
    {
        var cells = Enumerable.Repeat(-0x10, (8192 - 32) / 16).ToArray();
        var hive = new HiveBuilder();
        for (var i = 0; i < 64; i++)
        {
            hive.Bin(8192, cells);
        }

        var file = hive.Build();
        Feed(file, 4096);   // warm up

        var checker = new HiveChecker(Path);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var at = 0; at < file.Length; at += 4096)
        {
            checker.Append(file.AsSpan(at, 4096));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(Fine(file.Length, binsDataSize: 64 * 8192), checker.Complete(file.Length));
    }

    /// <summary>A transaction log: a base block sector with the log's file type, then log entries.</summary>
    private static byte[] Log(uint fileType, int length)
    {
        var log = new byte[Math.Max(length, 0x1000)];
        var header = new HiveBuilder { FileType = fileType, PrimarySequence = 0x237, SecondarySequence = 0x236 }.Bin(4096, -0x20).Build();
        header.AsSpan(0, 512).CopyTo(log);
        HiveBuilder.SetUInt32(log, 0x28, 0xBE000);
        HiveBuilder.SetChecksum(log);
        (fileType == 6 ? "HvLE"u8 : "DIRT"u8).CopyTo(log.AsSpan(512));
        for (var i = 516; i < log.Length; i++)
        {
            log[i] = (byte)(i * 7 % 253);
        }

        return log[..length];
    }

    private static byte[] NotAHive(int length)
    {
        var file = new byte[length];
        new Random(length).NextBytes(file);
        if (length >= 2)
        {
            "MZ"u8.CopyTo(file);
        }

        return file;
    }
}
