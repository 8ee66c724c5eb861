using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>The shared generator does what the grain and end-to-end tests rely on.</summary>
public sealed class TestDataTests
{
    [Fact]
    public void HiveLike_is_whole_pages_starting_with_the_hive_signature_and_repeatable()
    {
        var data = TestData.HiveLike(5, seed: 1);

        Assert.Equal(5 * 4096, data.Length);
        Assert.Equal("regf"u8.ToArray(), data[..4]);
        Assert.Equal(data, TestData.HiveLike(5, seed: 1));
        Assert.NotEqual(data, TestData.HiveLike(5, seed: 2));
        Assert.Equal(5, Enumerable.Range(0, 5).Select(p => Convert.ToHexString(data.AsSpan(p * 4096, 4096))).Distinct().Count());
    }

    [Fact]
    public void ChangePages_changes_every_byte_of_the_listed_pages_and_nothing_else()
    {
        var data = TestData.HiveLike(6, seed: 3);
        var before = (byte[])data.Clone();

        var changed = TestData.ChangePages(data, [0, 4], seed: 4);

        Assert.Equal(before, data);
        Assert.Equal(data.Length, changed.Length);
        Assert.Equal("regf"u8.ToArray(), changed[..4]);
        for (var i = 4; i < data.Length; i++)
        {
            var page = i / 4096;
            Assert.True((data[i] != changed[i]) == (page is 0 or 4), $"byte {i}");
        }
    }

    [Fact]
    public void ChangePages_handles_a_short_last_page_and_refuses_pages_outside_the_data()
    {
        byte[] data = [.. TestData.HiveLike(2, seed: 5), 1, 2, 3];

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
