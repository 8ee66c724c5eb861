using System.Buffers.Binary;
using System.Text;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>
/// Registry-hive-shaped bytes that compress like real ones (a real NTUSER.DAT deflates about 5 to 7 times):
/// a <c>regf</c> base block, then 4 KiB <c>hbin</c> pages of cells holding UTF-16 paths and names from a small
/// vocabulary, DWORDs and a share of random bytes. An edit changes a few short runs inside chosen pages and
/// the base block's sequence numbers, as a registry write does.
/// </summary>
public static class HiveGenerator
{
    public const int PageSize = 4096;

    private static readonly string[] Words =
    [
        "Software", "Microsoft", "Windows", "CurrentVersion", "Explorer", "Policies", "Control Panel", "Desktop", "Console",
        "Environment", "AppEvents", "Schemes", "Apps", ".Default", "Notification", "MRUList", "RecentDocs", "Shell Folders",
        "C:\\Users\\alice\\AppData\\Roaming", "C:\\Program Files\\Contoso", "%USERPROFILE%\\Documents", "WallPaper", "FontSize",
        "FaceName", "Consolas", "TEMP", "Office", "16.0", "Common", "Identity", "Settings", "Internet Explorer", "Main",
    ];

    /// <summary>A hive of <paramref name="pages"/> pages, the same for the same seed.</summary>
    public static byte[] Hive(int pages, int seed)
    {
        var random = new Random(seed);
        var data = new byte[pages * PageSize];
        var span = data.AsSpan();
        "regf"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x04..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x08..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x14..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x18..], 5);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x20..], 1);      // file format: direct memory load
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x24..], 0x20);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x28..], (uint)((pages - 1) * PageSize));
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x2C..], 1);
        Encoding.Unicode.GetBytes(@"\??\C:\Users\alice\ntuser.dat").CopyTo(span[0x30..]);
        for (var page = 1; page < pages; page++)
        {
            var bin = span.Slice(page * PageSize, PageSize);
            "hbin"u8.CopyTo(bin);
            BinaryPrimitives.WriteUInt32LittleEndian(bin[4..], (uint)((page - 1) * PageSize));
            BinaryPrimitives.WriteUInt32LittleEndian(bin[8..], PageSize);
            FillCells(bin[0x20..], random);
        }

        SetChecksum(span);
        return data;
    }

    /// <summary>The XOR-32 checksum of the first 508 bytes of the base block, at 0x1FC, as the registry writes it.</summary>
    private static void SetChecksum(Span<byte> baseBlock)
    {
        uint xor = 0;
        for (var i = 0; i < 0x1FC; i += 4)
        {
            xor ^= BinaryPrimitives.ReadUInt32LittleEndian(baseBlock[i..]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(baseBlock[0x1FC..], xor switch { 0xFFFFFFFF => 0xFFFFFFFE, 0 => 1, var x => x });
    }

    /// <summary><paramref name="count"/> distinct pages of <paramref name="pages"/>, spread over the file, page 0 (the base block) among them.</summary>
    public static int[] SpreadPages(int pages, int count, int seed)
    {
        var random = new Random(seed);
        var chosen = new SortedSet<int> { 0 };
        while (chosen.Count < count)
        {
            chosen.Add(random.Next(1, pages));
        }

        return [.. chosen];
    }

    /// <summary>A copy of <paramref name="hive"/> with about <paramref name="bytesPerPage"/> bytes changed in each listed page.</summary>
    public static byte[] Edit(byte[] hive, int[] pages, int bytesPerPage, int seed)
    {
        var random = new Random(seed);
        var edited = (byte[])hive.Clone();
        foreach (var page in pages)
        {
            if (page == 0)
            {
                // The sequence numbers a registry write bumps.
                for (var offset = 0x04; offset <= 0x08; offset += 4)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(edited.AsSpan(offset), BinaryPrimitives.ReadUInt32LittleEndian(edited.AsSpan(offset)) + 1);
                }

                SetChecksum(edited);

                continue;
            }

            // Inside cells only: a cell's size (its first 4 bytes) is structure a registry edit rewrites only with the cell.
            var headers = CellHeaders(edited.AsSpan(page * PageSize, PageSize));
            var left = bytesPerPage;
            while (left > 0)
            {
                var run = Math.Min(left, random.Next(4, 41));
                var at = (page * PageSize) + 0x20 + random.Next(0, PageSize - 0x20 - run);
                for (var i = 0; i < run; i++)
                {
                    if (!headers.Contains((at + i) % PageSize))
                    {
                        edited[at + i] ^= (byte)random.Next(1, 256);
                    }
                }

                left -= run;
            }
        }

        return edited;
    }

    /// <summary>The offsets in a bin of its cells' size fields.</summary>
    private static HashSet<int> CellHeaders(ReadOnlySpan<byte> bin)
    {
        var headers = new HashSet<int>();
        for (var at = 0x20; at + 4 <= bin.Length;)
        {
            headers.UnionWith(Enumerable.Range(at, 4));
            var size = Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(bin[at..]));
            at += Math.Max(size, 8);
        }

        return headers;
    }

    private static void FillCells(Span<byte> cells, Random random)
    {
        var at = 0;
        while (at < cells.Length)
        {
            var cell = cells[at..];
            var kind = random.Next(10);
            var text = string.Join('\\', Enumerable.Range(0, random.Next(1, 4)).Select(_ => Words[random.Next(Words.Length)]));
            var length = Math.Min(cell.Length, kind switch
            {
                < 5 => 8 + (text.Length * 2),           // a UTF-16 string value
                < 8 => 24 + text.Length,                // a key or value cell with an ASCII name
                _ => random.Next(16, 96),               // binary data
            });
            length = Math.Min(cell.Length, (length + 7) & ~7);
            if (length >= 8)
            {
                BinaryPrimitives.WriteInt32LittleEndian(cell, -length);
                var body = cell[4..length];
                switch (kind)
                {
                    case < 5:
                        Encoding.Unicode.GetBytes(text.AsSpan(0, Math.Min(text.Length, (body.Length - 4) / 2)), body[4..]);
                        break;
                    case < 8 when body.Length >= 24:
                        "vk"u8.CopyTo(body);
                        BinaryPrimitives.WriteUInt16LittleEndian(body[2..], (ushort)Math.Min(text.Length, body.Length - 20));
                        BinaryPrimitives.WriteUInt32LittleEndian(body[8..], (uint)random.Next(0, 4));
                        Encoding.ASCII.GetBytes(text.AsSpan(0, Math.Min(text.Length, body.Length - 20)), body[20..]);
                        break;
                    case >= 8:
                        random.NextBytes(body);
                        break;
                    default:
                        body.Clear();
                        break;
                }
            }

            at += Math.Max(length, 8);
        }
    }
}
