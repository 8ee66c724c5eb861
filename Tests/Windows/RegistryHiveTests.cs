using Orleans.Profiles.Hives;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Windows;

/// <summary>
/// The test hive is a real one: hivex, an independent implementation of the registry format, reads its keys and
/// values and edits it, and the store's hive check accepts it before and after the edit.
/// </summary>
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class RegistryHiveTests
{
    [Fact]
    public async Task Hivex_reads_and_edits_the_test_hive_and_the_store_accepts_it_before_and_after()
    {
        using var folder = new TempDirectory("hive");
        var path = folder.Combine("NTUSER.DAT");
        var hive = TestData.RegistryHive(32, seed: 1);
        await File.WriteAllBytesAsync(path, hive);
        Assert.Null(HiveChecker.Check(path, hive).Problem);

        Assert.Equal("Consolas", await Hivex.GetAsync(path, @"\Console", "FaceName"));
        Assert.Equal(@"C:\Windows\Web\Wallpaper\Windows\img0.jpg", await Hivex.GetAsync(path, @"\control panel\desktop", "WallPaper"));
        Assert.Equal(["\"FaceName\"=\"Consolas\"", "\"FontSize\"=dword:000e0000"], await Hivex.ValuesAsync(path, @"\Console"));
        var blobs = await Hivex.ValuesAsync(path, TestData.RegistryHiveBulkKey);
        Assert.Equal(30, blobs.Length); // one per page but the base block and the keys' bin, the last
        // The first value's data is the first bin's cell: its hex is those bytes.
        Assert.Equal($"\"Blob0000\"=hex(3):{string.Join(',', hive[(4096 + 36)..(8192)].Select(b => b.ToString("x2")))}", blobs[0]);

        await Hivex.EditAsync(path, @"cd \Software", "setval 1", "Theme", "string:dark");

        var edited = await File.ReadAllBytesAsync(path);
        Assert.Equal("dark", await Hivex.GetAsync(path, @"\Software", "Theme"));
        Assert.Equal("Consolas", await Hivex.GetAsync(path, @"\Console", "FaceName"));
        var check = HiveChecker.Check(path, edited);
        Assert.Null(check.Problem);
        Assert.False(check.IsDirty);
        // The edit rewrites the base block and the key's page, and adds one bin for the new value.
        Assert.Equal(hive.Length + 4096, edited.Length);
        var changed = Enumerable.Range(0, 32).Where(p => !hive.AsSpan(p * 4096, 4096).SequenceEqual(edited.AsSpan(p * 4096, 4096))).ToArray();
        Assert.Equal([0, 31], changed);
    }
}
