using System.Buffers.Binary;

namespace Orleans.Profiles.Hives;

/// <summary>
/// A streaming sanity check of a Windows registry hive file (NTUSER.DAT, UsrClass.dat…), to refuse a hive that was
/// truncated or torn before it replaces a good one (KB Q191834). Feed it the file's bytes in order, in pieces of any
/// size, then call <see cref="Complete"/>. It keeps at most 512 bytes of the file and reads every byte once.
/// </summary>
/// <remarks>
/// <para>
/// The format is the one described in Maxim Suhanov's "Windows registry file format specification". A file is a
/// hive when it starts with "regf"; a "regf" file whose base block says it is a transaction log (file type 1, 2
/// or 6) is reported as <see cref="HiveCheckResult.IsLog"/> and not checked. For a primary hive the checker verifies:
/// </para>
/// <list type="bullet">
/// <item>the base block (4096 bytes): its XOR-32 checksum at 0x1FC, file type 0, major version 1, file format 1, and a
/// hive bins data size (at 0x28) that is a non-zero multiple of 4096 and fits in the file;</item>
/// <item>the hive bins, one after another from 0x1000 to 0x1000 + that size: each starts with "hbin", records its
/// own offset (relative to 0x1000), and has a non-zero size, a multiple of 4096, that does not run past the bins data;</item>
/// <item>the cells of each bin, from 0x20 after its start to its end: each has a non-zero size (negative when
/// allocated), a multiple of 8, that does not run past its bin, so that the cells fill the bin exactly.</item>
/// </list>
/// <para>
/// Where a bin or a cell must start but the whole 4096-byte page around it is zeros (what an interrupted write
/// leaves), the problem is reported as a zeroed page at that page's offset. Bytes after the bins data are padding or
/// remnants (real hives have them) and are not checked. The first problem in file order is the one reported.
/// </para>
/// <para>
/// Lenient on purpose, because real hives vary and Windows loads them: the minor version, the clustering factor, the
/// timestamps, the reserved fields and the tail after the bins are not checked, and a dirty hive (sequence numbers
/// differ) is reported but is not a problem.
/// </para>
/// </remarks>
public sealed class HiveChecker
{
    /// <summary>The size of the base block, and of a page.</summary>
    public const int BaseBlockSize = 4096;

    private const int PageSize = 4096;
    private const int HeaderSize = 512;      // the part of the base block that holds its fields and checksum
    private const int ChecksumOffset = 0x1FC;
    private const int BinHeaderSize = 32;
    private const int CellHeaderSize = 4;

    private const uint Regf = 0x66676572;     // "regf" read little-endian
    private const uint Hbin = 0x6E696268;     // "hbin" read little-endian

    private enum Expect
    {
        BaseBlock,
        BinHeader,
        CellHeader,
        EndOfBins,      // the last cell's bytes, up to the end of the hive bins data
        Nothing,
    }

    private readonly string _path;
    private readonly byte[] _buffer = new byte[HeaderSize];

    private long _position;               // bytes seen so far
    private long _next;                   // where the next structure starts (long.MaxValue when none is expected)
    private int _need = HeaderSize;       // the size of that structure
    private int _have;                    // how much of it is buffered in _buffer
    private Expect _expect = Expect.BaseBlock;

    private bool _isHive;
    private bool _isLog;
    private uint _primarySequence;
    private uint _secondarySequence;
    private uint _binsDataSize;
    private long _binsEnd;
    private long _binStart;
    private long _binEnd;

    // The last non-zero byte seen in the page of the next structure (or before it), to tell a zeroed page.
    private long _lastNonZero = -1;

    private string? _problem;
    private long _problemOffset;

    // When a structure was found all zeros in a page that was all zeros up to it: that page, and whether a
    // non-zero byte turned up in the rest of it.
    private long _zeroPage = -1;
    private string? _zeroPageWhat;
    private bool _zeroPageBroken;

    private HiveCheckResult? _result;

    /// <param name="path">The file's path, used in messages only.</param>
    public HiveChecker(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        _path = path;
    }

    /// <summary>
    /// True when <paramref name="firstBytes"/> (at least the first 16 bytes of a file) are the base block of a
    /// primary hive whose primary and secondary sequence numbers differ: a dirty hive, whatever the rest holds.
    /// </summary>
    public static bool IsDirtyBaseBlock(ReadOnlySpan<byte> firstBytes)
        => firstBytes.Length >= 0x20
           && firstBytes.StartsWith("regf"u8)
           && BinaryPrimitives.ReadUInt32LittleEndian(firstBytes[0x1C..]) == 0
           && BinaryPrimitives.ReadUInt32LittleEndian(firstBytes[0x04..]) != BinaryPrimitives.ReadUInt32LittleEndian(firstBytes[0x08..]);

    /// <summary>Checks a whole file held in memory.</summary>
    public static HiveCheckResult Check(string path, ReadOnlySpan<byte> file)
    {
        var checker = new HiveChecker(path);
        checker.Append(file);
        return checker.Complete(file.Length);
    }

    /// <summary>Feeds the next bytes of the file; a piece may split any structure at any byte.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_result is not null)
        {
            throw new InvalidOperationException($"The check of \"{_path}\" is already complete.");
        }

        while (!data.IsEmpty)
        {
            if (_position < _next)
            {
                var skip = (int)Math.Min(_next - _position, data.Length);
                Skip(data[..skip]);
                _position += skip;
                data = data[skip..];
                continue;
            }

            // A structure starts at _next; _have of its bytes are already buffered.
            var take = Math.Min(_need - _have, data.Length);
            ReadOnlySpan<byte> structure;
            if (_have == 0 && take == _need)
            {
                structure = data[..take];
            }
            else
            {
                data[..take].CopyTo(_buffer.AsSpan(_have));
                _have += take;
                if (_have < _need)
                {
                    _position += take;
                    return;
                }

                structure = _buffer.AsSpan(0, _need);
                _have = 0;
            }

            _position += take;
            data = data[take..];
            switch (_expect)
            {
                case Expect.CellHeader:
                    Cell(structure);
                    break;
                case Expect.BinHeader:
                    BinHeader(structure);
                    break;
                case Expect.EndOfBins:
                    Stop();
                    break;
                default:
                    BaseBlock(structure);
                    break;
            }
        }
    }

    /// <summary>Ends the check.</summary>
    /// <param name="totalLength">The file's length: the number of bytes appended.</param>
    public HiveCheckResult Complete(long totalLength)
    {
        if (_result is not null)
        {
            return _result.Length == totalLength
                ? _result
                : throw new ArgumentOutOfRangeException(nameof(totalLength), totalLength, $"The check of \"{_path}\" was already completed with a length of {_result.Length}.");
        }

        if (totalLength != _position)
        {
            throw new ArgumentOutOfRangeException(nameof(totalLength), totalLength, $"{_position} bytes of \"{_path}\" were appended, not {totalLength}.");
        }

        if (_expect == Expect.BaseBlock)
        {
            ShortFile();
        }

        string? problem = _problem;
        long? offset = problem is null ? null : _problemOffset;
        if (problem is not null && _zeroPage >= 0 && !_zeroPageBroken)
        {
            var pageEnd = _zeroPage + PageSize;
            problem = pageEnd <= _position
                ? $"the 4096-byte page at 0x{_zeroPage:X} is all zeros where {_zeroPageWhat} must be (a write that never completed)"
                : $"the file is all zeros from 0x{_zeroPage:X} to its end at 0x{_position:X}, where {_zeroPageWhat} must be (a write that never completed)";
            offset = _zeroPage;
        }
        else if (problem is null && _isHive && _expect != Expect.Nothing && !(_expect == Expect.EndOfBins && _position == _next))
        {
            problem = Truncation();
            offset = _position;
        }

        return _result = new HiveCheckResult(
            _path,
            _position,
            _isHive,
            _isLog,
            problem,
            offset,
            _isHive && _primarySequence != _secondarySequence,
            _primarySequence,
            _secondarySequence,
            _binsDataSize);
    }

    private string Truncation()
    {
        if (_position < BaseBlockSize)
        {
            return $"the file ends at 0x{_position:X}, inside its 4096-byte base block (truncated)";
        }

        if (_expect == Expect.BinHeader && _have == 0)
        {
            return $"the file ends at 0x{_position:X} where a hive bin must start: the hive bins data size 0x{_binsDataSize:X} (at 0x28) says the bins run to 0x{_binsEnd:X}, so the file is truncated or that size is wrong";
        }

        var bin = _expect == Expect.BinHeader ? _next : _binStart;
        return $"the file ends at 0x{_position:X}, inside the hive bin at 0x{bin:X}, before the end of the hive bins data at 0x{_binsEnd:X} (truncated)";
    }

    /// <summary>Bytes inside a structure (cell data, the rest of the base block) or after the last one.</summary>
    private void Skip(ReadOnlySpan<byte> bytes)
    {
        if (_expect is Expect.CellHeader or Expect.BinHeader)
        {
            // Only the part in the page of the next structure matters, and only when no non-zero byte is known in it
            // yet (a valid structure is never all zeros): once a page, at most. From its end, a non-zero byte is
            // usually near.
            var page = _next & ~(long)(PageSize - 1);
            var from = page - _position;
            if (_lastNonZero < page && from < bytes.Length)
            {
                var start = (int)Math.Max(0, from);
                var last = bytes[start..].LastIndexOfAnyExcept((byte)0);
                if (last >= 0)
                {
                    _lastNonZero = _position + start + last;
                }
            }
        }
        else if (_zeroPage >= 0 && !_zeroPageBroken)
        {
            var end = _zeroPage + PageSize;
            if (_position < end)
            {
                var length = (int)Math.Min(end - _position, bytes.Length);
                _zeroPageBroken = bytes[..length].ContainsAnyExcept((byte)0);
            }
        }
    }

    private void BaseBlock(ReadOnlySpan<byte> header)
    {
        _have = 0;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Regf)
        {
            Stop();
            return;
        }

        _primarySequence = BinaryPrimitives.ReadUInt32LittleEndian(header[0x04..]);
        _secondarySequence = BinaryPrimitives.ReadUInt32LittleEndian(header[0x08..]);
        _binsDataSize = BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
        var fileType = BinaryPrimitives.ReadUInt32LittleEndian(header[0x1C..]);
        if (IsLogFileType(fileType))
        {
            _isLog = true;
            Stop();
            return;
        }

        _isHive = true;
        _lastNonZero = 0;
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(header[ChecksumOffset..]);
        var computed = Checksum(header);
        if (stored != computed)
        {
            Fail(ChecksumOffset, $"the base block's checksum (at 0x1FC) is 0x{stored:X8}, but its first 508 bytes give 0x{computed:X8}");
            return;
        }

        if (fileType != 0)
        {
            Fail(0x1C, $"the base block's file type (at 0x1C) is {fileType}: a primary hive has 0 (1, 2 and 6 are transaction logs)");
            return;
        }

        var major = BinaryPrimitives.ReadUInt32LittleEndian(header[0x14..]);
        if (major != 1)
        {
            Fail(0x14, $"the base block's major version (at 0x14) is {major}: every hive format has 1");
            return;
        }

        var format = BinaryPrimitives.ReadUInt32LittleEndian(header[0x20..]);
        if (format != 1)
        {
            Fail(0x20, $"the base block's file format (at 0x20) is {format}: a primary hive has 1 (direct memory load)");
            return;
        }

        if (_binsDataSize == 0 || _binsDataSize % PageSize != 0)
        {
            Fail(0x28, _binsDataSize == 0
                ? "the base block's hive bins data size (at 0x28) is 0: a hive has at least one bin"
                : $"the base block's hive bins data size (at 0x28) is 0x{_binsDataSize:X}, not a multiple of 4096");
            return;
        }

        _binsEnd = BaseBlockSize + (long)_binsDataSize;
        Expecting(Expect.BinHeader, BaseBlockSize, BinHeaderSize);
    }

    /// <summary>At <see cref="Complete"/>, the file was shorter than the part of the base block that is parsed.</summary>
    private void ShortFile()
    {
        var header = _buffer.AsSpan(0, _have);
        if (header.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(header) != Regf)
        {
            return;
        }

        if (header.Length >= 0x0C)
        {
            _primarySequence = BinaryPrimitives.ReadUInt32LittleEndian(header[0x04..]);
            _secondarySequence = BinaryPrimitives.ReadUInt32LittleEndian(header[0x08..]);
        }

        if (header.Length >= 0x2C)
        {
            _binsDataSize = BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
        }

        _isLog = header.Length >= 0x20 && IsLogFileType(BinaryPrimitives.ReadUInt32LittleEndian(header[0x1C..]));
        _isHive = !_isLog;

        _expect = _isHive ? Expect.BaseBlock : Expect.Nothing;
    }

    private void BinHeader(ReadOnlySpan<byte> header)
    {
        var at = _next;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Hbin)
        {
            Fail(at, $"no hive bin at 0x{at:X}: it must start with \"hbin\" (6862696E) but starts with {Convert.ToHexString(header[..4])}", ZeroPageCandidate(at, header), $"the header of the hive bin at 0x{at:X}");
            return;
        }

        var relative = BinaryPrimitives.ReadUInt32LittleEndian(header[0x04..]);
        if (relative != at - BaseBlockSize)
        {
            Fail(at + 0x04, $"the hive bin at 0x{at:X} records its offset as 0x{relative:X}, but it is at 0x{at - BaseBlockSize:X} in the hive bins data");
            return;
        }

        var size = BinaryPrimitives.ReadUInt32LittleEndian(header[0x08..]);
        if (size == 0 || size % PageSize != 0)
        {
            Fail(at + 0x08, size == 0
                ? $"the hive bin at 0x{at:X} has size 0"
                : $"the hive bin at 0x{at:X} has size 0x{size:X}, not a multiple of 4096");
            return;
        }

        if (at + size > _binsEnd)
        {
            Fail(at + 0x08, $"the hive bin at 0x{at:X} of 0x{size:X} bytes runs to 0x{at + size:X}, past the end of the hive bins data at 0x{_binsEnd:X}");
            return;
        }

        _binStart = at;
        _binEnd = at + size;
        _lastNonZero = at;
        Expecting(Expect.CellHeader, at + BinHeaderSize, CellHeaderSize);
    }

    private void Cell(ReadOnlySpan<byte> header)
    {
        var at = _next;
        var raw = BinaryPrimitives.ReadInt32LittleEndian(header);
        var size = Math.Abs((long)raw);
        if (size == 0 || size % 8 != 0)
        {
            var left = _binEnd - at;
            var problem = size == 0
                ? $"the cell at 0x{at:X} has size 0: the cells of the hive bin at 0x{_binStart:X} must fill it exactly, and 0x{left:X} bytes of it are left to 0x{_binEnd:X}"
                : $"the cell at 0x{at:X} in the hive bin at 0x{_binStart:X} has size {size} (0x{(uint)raw:X8}), not a multiple of 8";
            Fail(at, problem, size == 0 && ZeroPageCandidate(at, header), $"the cell at 0x{at:X} of the hive bin at 0x{_binStart:X}");
            return;
        }

        var end = at + size;
        if (end > _binEnd)
        {
            Fail(at, $"the cell at 0x{at:X} of {size} bytes runs to 0x{end:X}, past the end of its hive bin (0x{_binStart:X} to 0x{_binEnd:X})");
            return;
        }

        _lastNonZero = at;
        if (end < _binEnd)
        {
            Expecting(Expect.CellHeader, end, CellHeaderSize);
        }
        else if (end < _binsEnd)
        {
            Expecting(Expect.BinHeader, end, BinHeaderSize);
        }
        else
        {
            Expecting(Expect.EndOfBins, end, 0);
        }
    }

    /// <summary>True when a structure at <paramref name="at"/> is all zeros, and so is its page up to it.</summary>
    private bool ZeroPageCandidate(long at, ReadOnlySpan<byte> structure)
    {
        var page = at & ~(long)(PageSize - 1);
        return _lastNonZero < page && !structure.ContainsAnyExcept((byte)0);
    }

    private void Fail(long offset, string problem, bool zeroPageCandidate = false, string? what = null)
    {
        _problem = problem;
        _problemOffset = offset;
        if (zeroPageCandidate)
        {
            _zeroPage = offset & ~(long)(PageSize - 1);
            _zeroPageWhat = what;
        }

        Stop();
    }

    private void Stop() => Expecting(Expect.Nothing, long.MaxValue, 0);

    private void Expecting(Expect expect, long at, int size)
    {
        _expect = expect;
        _next = at;
        _need = size;
    }

    private static bool IsLogFileType(uint fileType) => fileType is 1 or 2 or 6;

    /// <summary>The base block's XOR-32 checksum: the first 508 bytes as 127 little-endian uint32s, XORed.</summary>
    private static uint Checksum(ReadOnlySpan<byte> baseBlock)
    {
        uint x = 0;
        for (var i = 0; i < ChecksumOffset; i += 4)
        {
            x ^= BinaryPrimitives.ReadUInt32LittleEndian(baseBlock[i..]);
        }

        return x switch
        {
            0xFFFFFFFF => 0xFFFFFFFE,
            0 => 1,
            _ => x,
        };
    }
}
