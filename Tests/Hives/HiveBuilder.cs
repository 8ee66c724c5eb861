using System.Buffers.Binary;
using System.Text;

namespace Orleans.Profiles.Tests.Hives;

/// <summary>
/// Builds registry hive files from scratch, as the public format specification (Maxim Suhanov, "Windows registry
/// file format specification") describes them: a 4096-byte base block with its XOR-32 checksum, hive bins of
/// multiples of 4096 bytes, and cells that fill each bin exactly. Independent of the checker on purpose: it computes
/// its own checksum and layout, so a bug in the checker cannot hide in the data it is tested against.
/// </summary>
public sealed class HiveBuilder
{
    public const int BaseBlockSize = 4096;
    public const int BinHeaderSize = 32;

    private readonly List<BinSpec> _bins = [];

    public uint PrimarySequence { get; set; } = 0x2ED;
    public uint SecondarySequence { get; set; } = 0x2ED;
    public uint MajorVersion { get; set; } = 1;
    public uint MinorVersion { get; set; } = 5;
    public uint FileType { get; set; }
    public uint FileFormat { get; set; } = 1;
    public uint ClusteringFactor { get; set; } = 1;

    /// <summary>Bytes after the last bin: remnant data, as real NTUSER.DAT files have (starting with a stale "hbin").</summary>
    public int TailLength { get; set; }

    /// <summary>
    /// Adds a bin of <paramref name="size"/> bytes holding <paramref name="cells"/> (signed sizes: negative is
    /// allocated, positive is free); whatever space is left after them becomes one free cell.
    /// </summary>
    public HiveBuilder Bin(int size, params int[] cells)
    {
        _bins.Add(new BinSpec(size, cells, Fill: true));
        return this;
    }

    /// <summary>Adds a bin whose cells are exactly <paramref name="cells"/>, even when they do not fill it (the rest stays zero).</summary>
    public HiveBuilder BinWithoutFill(int size, params int[] cells)
    {
        _bins.Add(new BinSpec(size, cells, Fill: false));
        return this;
    }

    public int BinsDataSize => _bins.Sum(b => b.Size);

    public long HiveEnd => BaseBlockSize + BinsDataSize;

    public long FileLength => HiveEnd + TailLength;

    /// <summary>The file offset of bin <paramref name="bin"/>.</summary>
    public long BinOffset(int bin) => BaseBlockSize + _bins.Take(bin).Sum(b => b.Size);

    /// <summary>The file offset of cell <paramref name="cell"/> of bin <paramref name="bin"/>.</summary>
    public long CellOffset(int bin, int cell) =>
        BinOffset(bin) + BinHeaderSize + _bins[bin].Cells.Take(cell).Sum(c => Math.Abs(c));

    public byte[] Build()
    {
        var file = new byte[FileLength];
        WriteBaseBlock(file);
        for (var i = 0; i < _bins.Count; i++)
        {
            WriteBin(file, i);
        }

        WriteTail(file);
        return file;
    }

    private void WriteBaseBlock(byte[] file)
    {
        var b = file.AsSpan(0, BaseBlockSize);
        "regf"u8.CopyTo(b);
        BinaryPrimitives.WriteUInt32LittleEndian(b[0x04..], PrimarySequence);
        BinaryPrimitives.WriteUInt32LittleEndian(b[0x08..], SecondarySequence);
        BinaryPrimitives.WriteInt64LittleEndian(b[0x0C..], Timestamp);
        BinaryPrimitives.WriteUInt32LittleEndian(b[0x14..], MajorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(b[0x18..], MinorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(b[0x1C..], FileType);
        BinaryPrimitives.WriteUInt32LittleEndian(b[0x20..], FileFormat);
        BinaryPrimitives.WriteUInt32LittleEndian(b[0x24..], BinHeaderSize);          // root cell: the first cell
        BinaryPrimitives.WriteUInt32LittleEndian(b[0x28..], (uint)BinsDataSize);
        BinaryPrimitives.WriteUInt32LittleEndian(b[0x2C..], ClusteringFactor);
        var name = Encoding.Unicode.GetBytes(@"\??\C:\Users\alice\ntuser.dat");
        name.AsSpan(0, Math.Min(name.Length, 64)).CopyTo(b[0x30..]);
        // Windows 10's RmId, LogId, flags, TmId and "rmtm" in the formerly reserved area.
        Guid.Parse("1b8a6c4e-77d2-11ea-a1f5-9c2dcd4e8a10").TryWriteBytes(b[0x70..]);
        Guid.Parse("1b8a6c4e-77d2-11ea-a1f5-9c2dcd4e8a10").TryWriteBytes(b[0x80..]);
        Guid.Parse("1b8a6c4f-77d2-11ea-a1f5-9c2dcd4e8a10").TryWriteBytes(b[0x94..]);
        "rmtm"u8.CopyTo(b[0xA4..]);
        SetChecksum(file);
    }

    private void WriteBin(byte[] file, int index)
    {
        var spec = _bins[index];
        var at = BinOffset(index);
        var bin = file.AsSpan((int)at, spec.Size);
        "hbin"u8.CopyTo(bin);
        BinaryPrimitives.WriteUInt32LittleEndian(bin[0x04..], (uint)(at - BaseBlockSize));
        BinaryPrimitives.WriteUInt32LittleEndian(bin[0x08..], (uint)spec.Size);
        if (index == 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bin[0x14..], Timestamp);
        }

        var offset = BinHeaderSize;
        var n = 0;
        foreach (var cell in spec.Cells)
        {
            WriteCell(bin.Slice(offset, Math.Abs(cell)), cell, n++);
            offset += Math.Abs(cell);
        }

        if (offset > spec.Size)
        {
            throw new InvalidOperationException($"The cells of bin {index} take {offset} bytes of its {spec.Size}.");
        }

        if (spec.Fill && offset < spec.Size)
        {
            WriteCell(bin[offset..], spec.Size - offset, n);
        }
    }

    /// <summary>An allocated cell holds a record (nk, vk, lf, sk, or raw data) in non-zero bytes; a free cell holds zeros.</summary>
    private static void WriteCell(Span<byte> cell, int size, int n)
    {
        BinaryPrimitives.WriteInt32LittleEndian(cell, size);
        if (size > 0)
        {
            return;
        }

        ReadOnlySpan<byte> signatures = "nkvklfsklhdb"u8;
        var data = cell[4..];
        if (data.Length >= 2)
        {
            signatures.Slice(n % 6 * 2, 2).CopyTo(data);
        }

        for (var i = 2; i < data.Length; i++)
        {
            data[i] = (byte)(1 + (i * 31 + n * 7) % 255);
        }
    }

    private void WriteTail(byte[] file)
    {
        var tail = file.AsSpan((int)HiveEnd, TailLength);
        if (tail.Length >= BinHeaderSize)
        {
            // A stale bin header, with an offset that is no longer true, then remnants.
            "hbin"u8.CopyTo(tail);
            BinaryPrimitives.WriteUInt32LittleEndian(tail[0x04..], 0x13B2000);
            BinaryPrimitives.WriteUInt32LittleEndian(tail[0x08..], 0x1000);
        }

        for (var i = BinHeaderSize; i < tail.Length; i++)
        {
            tail[i] = (byte)(i * 13 % 251);
        }
    }

    private const long Timestamp = 0x01CD14EF57066632; // a FILETIME in 2012

    /// <summary>The XOR of the first 508 bytes as 127 little-endian uint32s, before the special cases.</summary>
    public static uint HeaderXor(ReadOnlySpan<byte> file)
    {
        uint x = 0;
        for (var i = 0; i < 127; i++)
        {
            x ^= BinaryPrimitives.ReadUInt32LittleEndian(file[(i * 4)..]);
        }

        return x;
    }

    /// <summary>Writes the checksum the specification asks for at 0x1FC.</summary>
    public static void SetChecksum(byte[] file)
    {
        var x = HeaderXor(file);
        SetUInt32(file, 0x1FC, x == 0xFFFFFFFF ? 0xFFFFFFFE : x == 0 ? 1 : x);
    }

    /// <summary>Sets a reserved word of the base block (at 0x1F8) so that the XOR of the first 508 bytes is <paramref name="xor"/>.</summary>
    public static void ForceHeaderXor(byte[] file, uint xor)
    {
        var current = HeaderXor(file);
        SetUInt32(file, 0x1F8, GetUInt32(file, 0x1F8) ^ current ^ xor);
    }

    public static void SetUInt32(byte[] file, long offset, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan((int)offset), value);

    public static uint GetUInt32(byte[] file, long offset) =>
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)offset));

    public static void Zero(byte[] file, long from, long to) => file.AsSpan((int)from, (int)(to - from)).Clear();

    private sealed record BinSpec(int Size, int[] Cells, bool Fill);
}
