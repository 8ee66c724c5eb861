namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// Deterministic test content. A "hive-like" file is what the chunker sees in a registry hive: it
/// starts with the <c>regf</c> signature and is made of 4 KiB pages that change in place.
/// </summary>
public static class TestData
{
    /// <summary>The page size of a registry hive (and of hive chunks).</summary>
    public const int PageSize = 4096;

    /// <summary>The signature at the start of every registry hive.</summary>
    public static ReadOnlySpan<byte> HiveSignature => "regf"u8;

    /// <summary>
    /// <paramref name="pages"/> pages of pseudo-random bytes (the same for the same seed) starting with
    /// <c>regf</c>. Every page differs from every other, so each is its own chunk.
    /// </summary>
    public static byte[] HiveLike(int pages, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 1);
        var data = new byte[checked(pages * PageSize)];
        new Random(seed).NextBytes(data);
        HiveSignature.CopyTo(data);
        return data;
    }

    /// <summary>
    /// A copy of <paramref name="data"/> in which every byte of each listed 4 KiB page is different
    /// (the <c>regf</c> signature of page 0 is kept), and every other byte is unchanged.
    /// </summary>
    public static byte[] ChangePages(byte[] data, int[] pages, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(pages);
        var changed = (byte[])data.Clone();
        var random = new Random(seed);
        foreach (var page in pages)
        {
            var start = checked(page * PageSize);
            if (page < 0 || start >= data.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(pages), page, $"The data has {(data.Length + PageSize - 1) / PageSize} pages.");
            }

            var end = Math.Min(start + PageSize, data.Length);
            var first = page == 0 && data.AsSpan().StartsWith(HiveSignature) ? HiveSignature.Length : start;
            for (var i = first; i < end; i++)
            {
                // XOR with a non-zero value: the byte always changes.
                changed[i] ^= (byte)random.Next(1, 256);
            }
        }

        return changed;
    }

    /// <summary><paramref name="length"/> pseudo-random bytes that do not start with <c>regf</c>.</summary>
    public static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        if (data.AsSpan().StartsWith(HiveSignature))
        {
            data[0] ^= 0xFF;
        }

        return data;
    }
}
