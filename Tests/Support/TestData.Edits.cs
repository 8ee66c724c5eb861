namespace Orleans.Profiles.Tests.Support;

public static partial class TestData
{
    /// <summary>
    /// A copy of <paramref name="data"/> with 16 bytes changed in the cell data of each listed 4 KiB page, the way a
    /// registry edit rewrites a value in place: the rest of each page is unchanged, so a page compresses well against its base.
    /// </summary>
    public static byte[] EditPages(byte[] data, int[] pages, int seed)
    {
        var edited = (byte[])data.Clone();
        var random = new Random(seed);
        foreach (var page in pages)
        {
            random.NextBytes(edited.AsSpan((page * PageSize) + 0x100, 16));
        }

        return edited;
    }
}
