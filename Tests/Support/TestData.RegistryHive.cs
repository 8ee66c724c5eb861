using System.Buffers.Binary;
using System.Text;

namespace Orleans.Profiles.Tests.Support;

public static partial class TestData
{
    /// <summary>The key of <see cref="RegistryHive"/> whose values fill most of its pages.</summary>
    public const string RegistryHiveBulkKey = @"\Software\Contoso\Settings";

    /// <summary>The most pages <see cref="RegistryHive"/> makes: the bulk key's value list is one cell of one bin.</summary>
    public const int RegistryHiveMaxPages = 1000;

    private const int RegistryHiveMinPages = 3;

    /// <summary>
    /// A real registry hive of <paramref name="pages"/> 4 KiB pages (the same for the same seed) that registry tools
    /// (hivex, regedit) open and edit, laid out as the format specification says: a base block, then hive bins of
    /// cells: a root key, one security cell shared by every key, and under the root <c>AppEvents</c>, <c>Console</c>
    /// (FaceName, FontSize), <c>Control Panel\Desktop</c> (WallPaper), <c>Environment</c> (TEMP), <c>Software</c>
    /// (no values) and <see cref="RegistryHiveBulkKey"/>, whose REG_BINARY values Blob0000, Blob0001… of random bytes
    /// fill one bin each: the pages right after the base block. The keys follow; free bins fill the rest. Every page
    /// differs.
    /// </summary>
    public static byte[] RegistryHive(int pages, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, RegistryHiveMinPages);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pages, RegistryHiveMaxPages);

        // One bin per blob, and the keys after them in a few bins: fewer blobs until the keys fit.
        var blobs = pages - 2;
        while (true)
        {
            var writer = new RegistryHiveWriter(pages);
            writer.Write(RegistryHiveKeys(blobs, seed));
            var excess = writer.Bins - (pages - 1);
            if (excess <= 0)
            {
                return writer.Complete();
            }

            blobs -= excess;
        }
    }

    private static RegistryKeySpec RegistryHiveKeys(int blobs, int seed)
    {
        var random = new Random(seed);
        var bulk = Enumerable.Range(0, blobs)
            .Select(i =>
            {
                var data = new byte[RegistryHiveWriter.BinDataSize - RegistryHiveWriter.CellHeaderSize];
                random.NextBytes(data);
                return new RegistryValueSpec($"Blob{i:D4}", RegistryValueType.Binary, data);
            })
            .ToArray();

        return new RegistryKeySpec("ROOT", [], [
            new("AppEvents", [], []),
            new("Console", [
                RegistryValueSpec.String("FaceName", "Consolas"),
                new("FontSize", RegistryValueType.DWord, BitConverter.GetBytes(0x000E0000)),
            ], []),
            new("Control Panel", [], [
                new("Desktop", [RegistryValueSpec.String("WallPaper", @"C:\Windows\Web\Wallpaper\Windows\img0.jpg")], []),
            ]),
            new("Environment", [RegistryValueSpec.String("TEMP", @"%USERPROFILE%\AppData\Local\Temp", RegistryValueType.ExpandString)], []),
            new("Software", [], [
                new("Contoso", [], [new("Settings", bulk, [])]),
            ]),
        ]);
    }

    private enum RegistryValueType : uint
    {
        String = 1,
        ExpandString = 2,
        Binary = 3,
        DWord = 4,
    }

    private sealed record RegistryKeySpec(string Name, RegistryValueSpec[] Values, RegistryKeySpec[] Subkeys);

    private sealed record RegistryValueSpec(string Name, RegistryValueType Type, byte[] Data)
    {
        public static RegistryValueSpec String(string name, string value, RegistryValueType type = RegistryValueType.String)
            => new(name, type, Encoding.Unicode.GetBytes(value + "\0"));
    }

    /// <summary>
    /// Lays cells out in 4 KiB bins one after another (Maxim Suhanov, "Windows registry file format specification"):
    /// a cell that does not fit in what is left of a bin starts the next one, and the rest becomes a free cell.
    /// Offsets in cells are relative to the first bin, at 0x1000.
    /// </summary>
    private sealed class RegistryHiveWriter(int pages)
    {
        public const int BinHeaderSize = 0x20;
        public const int CellHeaderSize = 4;
        public const int BinDataSize = PageSize - BinHeaderSize;

        private const int KeyNodeSize = 0x4C;     // a key node's fields before its name
        private const int KeyValueSize = 0x14;    // a key value's fields before its name
        private const uint None = 0xFFFFFFFF;
        private const long Timestamp = 0x01DA5E3C7B2F8000; // a FILETIME in 2024

        // Room for the keys past the requested pages; Complete cuts the file to them.
        private readonly byte[] _hive = new byte[(pages + 64) * PageSize];
        private int _binEnd = PageSize;
        private int _next = PageSize;
        private int _security;
        private int _keys;
        private int _root;

        public int Bins => (_binEnd - PageSize) / PageSize;

        public void Write(RegistryKeySpec root)
        {
            // The bulk values' data first, one bin each, so that they are the pages after the base block.
            var data = new Dictionary<RegistryValueSpec, int>();
            foreach (var value in Values(root).Where(v => v.Data.Length > BinDataSize / 2))
            {
                data[value] = Allocate(value.Data.Length);
                value.Data.CopyTo(_hive, data[value] + CellHeaderSize);
            }

            _security = WriteSecurity();
            _root = WriteKey(root, parent: null, data);
            SetUInt32(_security + CellHeaderSize + 0x0C, (uint)_keys);   // every key refers to it
        }

        public byte[] Complete()
        {
            while (Bins < pages - 1)
            {
                NewBin();
            }

            CloseBin();
            var hive = _hive.AsSpan(0, pages * PageSize).ToArray();
            var b = hive.AsSpan(0, PageSize);
            HiveSignature.CopyTo(b);
            BinaryPrimitives.WriteUInt32LittleEndian(b[0x04..], 1);         // primary sequence number
            BinaryPrimitives.WriteUInt32LittleEndian(b[0x08..], 1);         // secondary sequence number: clean
            BinaryPrimitives.WriteInt64LittleEndian(b[0x0C..], Timestamp);
            BinaryPrimitives.WriteUInt32LittleEndian(b[0x14..], 1);         // major version
            BinaryPrimitives.WriteUInt32LittleEndian(b[0x18..], 5);         // minor version
            BinaryPrimitives.WriteUInt32LittleEndian(b[0x1C..], 0);         // file type: primary
            BinaryPrimitives.WriteUInt32LittleEndian(b[0x20..], 1);         // file format: direct memory load
            BinaryPrimitives.WriteUInt32LittleEndian(b[0x24..], Relative(_root));
            BinaryPrimitives.WriteUInt32LittleEndian(b[0x28..], (uint)(_binEnd - PageSize));
            BinaryPrimitives.WriteUInt32LittleEndian(b[0x2C..], 1);         // clustering factor
            Encoding.Unicode.GetBytes(@"\??\C:\Users\alice\ntuser.dat").CopyTo(b[0x30..]);
            SetChecksum(b);
            return hive;
        }

        private static IEnumerable<RegistryValueSpec> Values(RegistryKeySpec key)
            => key.Values.Concat(key.Subkeys.SelectMany(Values));

        private int WriteKey(RegistryKeySpec key, int? parent, Dictionary<RegistryValueSpec, int> data)
        {
            _keys++;
            var nk = Allocate(KeyNodeSize + key.Name.Length);
            var values = key.Values.Select(v => WriteValue(v, data)).ToArray();
            var valueList = values.Length == 0 ? -1 : Allocate(values.Length * 4);
            for (var i = 0; i < values.Length; i++)
            {
                SetUInt32(valueList + CellHeaderSize + (i * 4), Relative(values[i]));
            }

            // Subkey lists are sorted by upper-case name, as Windows looks them up.
            var subkeys = key.Subkeys.OrderBy(k => k.Name.ToUpperInvariant(), StringComparer.Ordinal).ToArray();
            var children = subkeys.Select(k => WriteKey(k, nk, data)).ToArray();
            var list = children.Length == 0 ? -1 : Allocate(4 + (children.Length * 8));
            if (list >= 0)
            {
                "lh"u8.CopyTo(_hive.AsSpan(list + CellHeaderSize));
                SetUInt16(list + CellHeaderSize + 2, (ushort)children.Length);
                for (var i = 0; i < children.Length; i++)
                {
                    SetUInt32(list + CellHeaderSize + 4 + (i * 8), Relative(children[i]));
                    SetUInt32(list + CellHeaderSize + 8 + (i * 8), NameHash(subkeys[i].Name));
                }
            }

            var n = nk + CellHeaderSize;
            "nk"u8.CopyTo(_hive.AsSpan(n));
            SetUInt16(n + 0x02, (ushort)(parent is null ? 0x2C : 0x20)); // compressed (ASCII) name; the root is the hive entry, not deletable
            BinaryPrimitives.WriteInt64LittleEndian(_hive.AsSpan(n + 0x04), Timestamp);
            SetUInt32(n + 0x10, parent is { } p ? Relative(p) : None);
            SetUInt32(n + 0x14, (uint)children.Length);
            SetUInt32(n + 0x1C, list < 0 ? None : Relative(list));
            SetUInt32(n + 0x20, None);                                // no volatile subkeys
            SetUInt32(n + 0x24, (uint)values.Length);
            SetUInt32(n + 0x28, valueList < 0 ? None : Relative(valueList));
            SetUInt32(n + 0x2C, Relative(_security));
            SetUInt32(n + 0x30, None);                                // no class name
            SetUInt32(n + 0x34, (uint)(subkeys.Select(k => k.Name.Length).DefaultIfEmpty().Max() * 2));
            SetUInt32(n + 0x3C, (uint)(key.Values.Select(v => v.Name.Length).DefaultIfEmpty().Max() * 2));
            SetUInt32(n + 0x40, (uint)key.Values.Select(v => v.Data.Length).DefaultIfEmpty().Max());
            SetUInt16(n + 0x48, (ushort)key.Name.Length);
            Encoding.ASCII.GetBytes(key.Name).CopyTo(_hive, n + KeyNodeSize);
            return nk;
        }

        private int WriteValue(RegistryValueSpec value, Dictionary<RegistryValueSpec, int> data)
        {
            // Up to 4 bytes of data live in the key value itself.
            var inline = value.Data.Length <= 4;
            if (!inline && !data.ContainsKey(value))
            {
                data[value] = Allocate(value.Data.Length);
                value.Data.CopyTo(_hive, data[value] + CellHeaderSize);
            }

            var vk = Allocate(KeyValueSize + value.Name.Length);
            var v = vk + CellHeaderSize;
            "vk"u8.CopyTo(_hive.AsSpan(v));
            SetUInt16(v + 0x02, (ushort)value.Name.Length);
            SetUInt32(v + 0x04, (uint)value.Data.Length | (inline ? 0x80000000 : 0));
            if (inline)
            {
                value.Data.CopyTo(_hive, v + 0x08);
            }
            else
            {
                SetUInt32(v + 0x08, Relative(data[value]));
            }

            SetUInt32(v + 0x0C, (uint)value.Type);
            SetUInt16(v + 0x10, 1);                                   // compressed (ASCII) name
            Encoding.ASCII.GetBytes(value.Name).CopyTo(_hive, v + KeyValueSize);
            return vk;
        }

        /// <summary>One key security cell (a list of one, linked to itself): owner Administrators, full control for SYSTEM.</summary>
        private int WriteSecurity()
        {
            byte[] administrators = [1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x20, 2, 0, 0];   // S-1-5-32-544
            byte[] system = [1, 1, 0, 0, 0, 0, 0, 5, 0x12, 0, 0, 0];                          // S-1-5-18
            var ace = new byte[8 + system.Length];
            ace[0] = 0;                                                  // ACCESS_ALLOWED_ACE_TYPE
            ace[1] = 0x02;                                               // CONTAINER_INHERIT_ACE
            BinaryPrimitives.WriteUInt16LittleEndian(ace.AsSpan(2), (ushort)ace.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(ace.AsSpan(4), 0x000F003F); // KEY_ALL_ACCESS
            system.CopyTo(ace, 8);
            var acl = new byte[8 + ace.Length];
            acl[0] = 2;                                                  // ACL_REVISION
            BinaryPrimitives.WriteUInt16LittleEndian(acl.AsSpan(2), (ushort)acl.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(acl.AsSpan(4), 1);
            ace.CopyTo(acl, 8);

            // A self-relative security descriptor: header, owner, group, DACL.
            var descriptor = new byte[20 + administrators.Length + system.Length + acl.Length];
            descriptor[0] = 1;
            BinaryPrimitives.WriteUInt16LittleEndian(descriptor.AsSpan(2), 0x8004); // SE_SELF_RELATIVE | SE_DACL_PRESENT
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(4), 20);
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(8), (uint)(20 + administrators.Length));
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor.AsSpan(16), (uint)(20 + administrators.Length + system.Length));
            administrators.CopyTo(descriptor, 20);
            system.CopyTo(descriptor, 20 + administrators.Length);
            acl.CopyTo(descriptor, 20 + administrators.Length + system.Length);

            var sk = Allocate(0x14 + descriptor.Length);
            var s = sk + CellHeaderSize;
            "sk"u8.CopyTo(_hive.AsSpan(s));
            SetUInt32(s + 0x04, Relative(sk));
            SetUInt32(s + 0x08, Relative(sk));
            SetUInt32(s + 0x10, (uint)descriptor.Length);
            descriptor.CopyTo(_hive, s + 0x14);
            return sk;
        }

        /// <summary>An allocated cell of at least <paramref name="length"/> bytes after its size: its file offset.</summary>
        private int Allocate(int length)
        {
            var size = (CellHeaderSize + length + 7) & ~7;
            ArgumentOutOfRangeException.ThrowIfGreaterThan(size, BinDataSize, nameof(length));
            if (_next + size > _binEnd)
            {
                NewBin();
            }

            var cell = _next;
            BinaryPrimitives.WriteInt32LittleEndian(_hive.AsSpan(cell), -size);
            _next += size;
            return cell;
        }

        private void NewBin()
        {
            CloseBin();
            var bin = _binEnd;
            "hbin"u8.CopyTo(_hive.AsSpan(bin));
            SetUInt32(bin + 0x04, Relative(bin));
            SetUInt32(bin + 0x08, PageSize);
            BinaryPrimitives.WriteInt64LittleEndian(_hive.AsSpan(bin + 0x14), Timestamp);
            _next = bin + BinHeaderSize;
            _binEnd = bin + PageSize;
        }

        /// <summary>What is left of the current bin becomes one free cell (a positive size).</summary>
        private void CloseBin()
        {
            if (_next < _binEnd)
            {
                BinaryPrimitives.WriteInt32LittleEndian(_hive.AsSpan(_next), _binEnd - _next);
                _next = _binEnd;
            }
        }

        /// <summary>The hash in an "lh" subkey list: each upper-case character of the name, base 37.</summary>
        private static uint NameHash(string name)
        {
            uint hash = 0;
            foreach (var c in name.ToUpperInvariant())
            {
                hash = unchecked((hash * 37) + c);
            }

            return hash;
        }

        private static uint Relative(int offset) => (uint)(offset - PageSize);

        private void SetUInt32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_hive.AsSpan(offset), value);

        private void SetUInt16(int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(_hive.AsSpan(offset), value);
    }
}
