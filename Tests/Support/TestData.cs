using System.Buffers.Binary;

namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// Deterministic test content. A "hive-like" file is what the chunker sees in a registry hive: it
/// starts with the <c>regf</c> signature and is made of 4 KiB pages that change in place.
/// </summary>
public static partial class TestData
{
    /// <summary>The page size of a registry hive (and of hive chunks).</summary>
    public const int PageSize = 4096;

    /// <summary>The signature at the start of every registry hive.</summary>
    public static ReadOnlySpan<byte> HiveSignature => "regf"u8;

    /// <summary>
    /// A valid registry hive of <paramref name="pages"/> 4 KiB pages (the same for the same seed), as the
    /// store's hive check sees a real one: a base block with its checksum, then one 4 KiB hive bin per page
    /// holding one allocated cell of pseudo-random data. Every page differs from every other, so each is its
    /// own chunk.
    /// </summary>
    public static byte[] HiveLike(int pages, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 2);
        var data = new byte[checked(pages * PageSize)];
        new Random(seed).NextBytes(data);
        var span = data.AsSpan();
        HiveSignature.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x04..], 1);      // primary sequence number
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x08..], 1);      // secondary sequence number
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x14..], 1);      // major version
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x18..], 5);      // minor version
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x1C..], 0);      // file type: primary
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x20..], 1);      // file format: direct memory load
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x24..], 0x20);   // root cell offset
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x28..], (uint)((pages - 1) * PageSize));
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x2C..], 1);      // clustering factor
        SetChecksum(span);
        for (var page = 1; page < pages; page++)
        {
            var bin = span.Slice(page * PageSize, PageSize);
            "hbin"u8.CopyTo(bin);
            BinaryPrimitives.WriteUInt32LittleEndian(bin[4..], (uint)((page - 1) * PageSize));
            BinaryPrimitives.WriteUInt32LittleEndian(bin[8..], PageSize);
            BinaryPrimitives.WriteInt32LittleEndian(bin[BinHeaderSize..], -(PageSize - BinHeaderSize));
        }

        return data;
    }

    /// <summary>
    /// A copy of <paramref name="data"/> in which each listed 4 KiB page is different and every other byte is
    /// unchanged. In a hive from <see cref="HiveLike"/> only what a registry edit changes is changed: the cell
    /// data of a bin, the unused part of the base block; so the hive stays valid. Pages past a hive's bins
    /// (its padding tail), and any page of a file that is not a hive, change entirely.
    /// </summary>
    public static byte[] ChangePages(byte[] data, int[] pages, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(pages);
        var changed = (byte[])data.Clone();
        var random = new Random(seed);
        var isHive = data.AsSpan().StartsWith(HiveSignature) && data.Length >= PageSize;
        var binsEnd = isHive ? PageSize + BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(0x28)) : 0;
        foreach (var page in pages)
        {
            var start = checked(page * PageSize);
            if (page < 0 || start >= data.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(pages), page, $"The data has {(data.Length + PageSize - 1) / PageSize} pages.");
            }

            var end = Math.Min(start + PageSize, data.Length);
            var first = !isHive ? start
                : page == 0 ? BaseBlockUnusedStart
                : start < binsEnd ? start + BinHeaderSize + CellHeaderSize
                : start;
            if (isHive && page == 0)
            {
                end = BaseBlockUnusedEnd;
            }

            for (var i = first; i < end; i++)
            {
                // XOR with a non-zero value: the byte always changes.
                changed[i] ^= (byte)random.Next(1, 256);
            }
        }

        return changed;
    }

    /// <summary>The XOR-32 checksum of the first 508 bytes of a base block, at 0x1FC.</summary>
    public static void SetChecksum(Span<byte> baseBlock)
    {
        uint xor = 0;
        for (var i = 0; i < 0x1FC; i += 4)
        {
            xor ^= BinaryPrimitives.ReadUInt32LittleEndian(baseBlock[i..]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(baseBlock[0x1FC..], xor switch { 0xFFFFFFFF => 0xFFFFFFFE, 0 => 1, var x => x });
    }

    private const int BinHeaderSize = 0x20;
    private const int CellHeaderSize = 4;

    /// <summary>The part of a base block neither the checksum nor the hive check covers.</summary>
    private const int BaseBlockUnusedStart = 0x200;
    private const int BaseBlockUnusedEnd = 0xFF0;

    /// <summary>
    /// A copy of <paramref name="data"/> followed by <paramref name="copies"/> copies of one pseudo-random
    /// 4 KiB page: the padding tail real hives have, where many pages are identical and so one chunk.
    /// The hive check does not read past the bins, so a hive from <see cref="HiveLike"/> stays valid.
    /// </summary>
    public static byte[] WithRepeatedPage(byte[] data, int copies, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        var page = RandomBytes(PageSize, seed);
        var result = new byte[checked(data.Length + (copies * PageSize))];
        data.CopyTo(result, 0);
        for (var i = 0; i < copies; i++)
        {
            page.CopyTo(result, data.Length + (i * PageSize));
        }

        return result;
    }

    /// <summary><paramref name="copies"/> copies of one block of <paramref name="length"/> pseudo-random bytes (not a hive).</summary>
    public static byte[] RepeatedBlock(int length, int copies, int seed)
    {
        var block = RandomBytes(length, seed);
        var result = new byte[checked(length * copies)];
        for (var i = 0; i < copies; i++)
        {
            block.CopyTo(result, i * length);
        }

        return result;
    }

    /// <summary><paramref name="length"/> pseudo-random bytes that do not start with <c>regf</c>.</summary>
    /// <summary>A 4 KiB page that compresses like a hive's (a few short patterns repeated with small differences): different for each seed.</summary>
    public static byte[] CompressiblePage(int seed)
    {
        var random = new Random(seed);
        var pattern = new byte[64];
        random.NextBytes(pattern);
        var page = new byte[PageSize];
        for (var at = 0; at < page.Length; at += pattern.Length)
        {
            pattern[random.Next(pattern.Length)] = (byte)random.Next(256);
            pattern.CopyTo(page, at);
        }

        return page;
    }

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
