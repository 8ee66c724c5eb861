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
    public void RandomBytes_never_looks_like_a_hive()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            Assert.False(TestData.RandomBytes(16, seed).AsSpan().StartsWith("regf"u8));
        }
    }
}
