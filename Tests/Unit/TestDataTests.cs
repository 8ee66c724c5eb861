using System.Buffers.Binary;
using Orleans.Profiles.Hives;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>The shared generator does what the grain and end-to-end tests rely on.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class TestDataTests
{
    [Fact]
    public void HiveLike_is_a_valid_hive_of_whole_distinct_pages_and_repeatable()
    {
        var data = TestData.HiveLike(5, seed: 1);

        Assert.Equal(5 * 4096, data.Length);
        var check = HiveChecker.Check("NTUSER.DAT", data);
        Assert.True(check.IsHive);
        Assert.Null(check.Problem);
        Assert.False(check.IsDirty);
        Assert.Equal("regf"u8.ToArray(), data[..4]);
        Assert.Equal(data, TestData.HiveLike(5, seed: 1));
        Assert.NotEqual(data, TestData.HiveLike(5, seed: 2));
        Assert.Equal(5, Enumerable.Range(0, 5).Select(p => Convert.ToHexString(data.AsSpan(p * 4096, 4096))).Distinct().Count());
    }

    [Fact]
    public void ChangePages_changes_the_content_of_the_listed_pages_only_and_keeps_the_hive_valid()
    {
        var data = TestData.HiveLike(6, seed: 3);
        var before = (byte[])data.Clone();

        var changed = TestData.ChangePages(data, [0, 4], seed: 4);

        Assert.Equal(before, data);
        Assert.Equal(data.Length, changed.Length);
        Assert.Null(HiveChecker.Check("NTUSER.DAT", changed).Problem);
        for (var i = 0; i < data.Length; i++)
        {
            // Page 0: its unused part (0x200-0xFEF); a bin page: its cell data, after the bin and cell headers.
            var content = (i / 4096) switch
            {
                0 => i is >= 0x200 and < 0xFF0,
                4 => i % 4096 >= 0x24,
                _ => false,
            };
            Assert.True((data[i] != changed[i]) == content, $"byte {i}");
        }
    }

    [Fact]
    public void ChangePages_handles_a_short_last_page_and_refuses_pages_outside_the_data()
    {
        byte[] data = [.. TestData.HiveLike(2, seed: 5), 1, 2, 3]; // a padding tail after the bins

        var changed = TestData.ChangePages(data, [2], seed: 6);

        Assert.Equal(data[..8192], changed[..8192]);
        Assert.All(Enumerable.Range(8192, 3), i => Assert.NotEqual(data[i], changed[i]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TestData.ChangePages(data, [3], seed: 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => TestData.ChangePages(data, [-1], seed: 6));
    }

    [Fact]
    public void RegistryHive_is_a_valid_hive_of_distinct_pages_with_a_root_key_and_repeatable()
    {
        var data = TestData.RegistryHive(16, seed: 1);

        Assert.Equal(16 * 4096, data.Length);
        var check = HiveChecker.Check("NTUSER.DAT", data);
        Assert.True(check.IsHive);
        Assert.Null(check.Problem);
        Assert.False(check.IsDirty);
        Assert.Equal(15 * 4096, check.HiveBinsDataSize);
        Assert.Equal(data, TestData.RegistryHive(16, seed: 1));
        Assert.NotEqual(data, TestData.RegistryHive(16, seed: 2));
        Assert.Equal(16, Enumerable.Range(0, 16).Select(p => Convert.ToHexString(data.AsSpan(p * 4096, 4096))).Distinct().Count());

        // The root cell (at 0x24, from the first bin) is an allocated key node marked as the hive's entry.
        var root = 0x1000 + BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(0x24));
        Assert.True(BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(root)) < 0);
        Assert.Equal("nk"u8.ToArray(), data[(root + 4)..(root + 6)]);
        Assert.Equal(0x2C, BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(root + 6)));

        // The bulk values come first: page 1 is a bin holding one allocated cell of the whole bin.
        Assert.Equal("hbin"u8.ToArray(), data[4096..4100]);
        Assert.Equal(-(4096 - 32), BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4096 + 32)));
    }

    [Fact]
    public void RegistryHive_makes_any_size_from_3_to_1000_pages()
    {
        foreach (var pages in new[] { 3, 4, 100, 1000 })
        {
            var data = TestData.RegistryHive(pages, seed: 7);
            Assert.Equal(pages * 4096, data.Length);
            Assert.Null(HiveChecker.Check("NTUSER.DAT", data).Problem);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => TestData.RegistryHive(2, seed: 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => TestData.RegistryHive(1001, seed: 7));
    }

    [Fact]
    public void RandomBytes_never_looks_like_a_hive()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            Assert.False(TestData.RandomBytes(16, seed).AsSpan().StartsWith("regf"u8));
        }
    }
}
