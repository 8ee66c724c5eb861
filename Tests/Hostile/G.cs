using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>Small generators the hostile request families are built from. Every random choice goes through FsCheck, so a seed replays it.</summary>
public static class G
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";
    private const string NameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

    /// <summary>Windows device names, whatever their extension (tested here independently of the product's list).</summary>
    private static readonly string[] DeviceStems =
    [
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
    ];

    public static Gen<int> Int(int low, int high) => Gen.Choose(low, high);

    /// <summary>A long in [low, high], edges included.</summary>
    public static Gen<long> Long(long low, long high)
        => from a in Gen.Choose(int.MinValue, int.MaxValue)
           from b in Gen.Choose(int.MinValue, int.MaxValue)
           select low + (long)((((ulong)(uint)a << 32) | (uint)b) % ((ulong)(high - low) + 1));

    public static Gen<T> OneOf<T>(params T[] items) => Gen.Elements(items);

    public static Gen<bool> Bool => Gen.Elements(true, false);

    public static Gen<byte[]> Bytes(int count) => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(count);

    public static Gen<Guid> Guid => Bytes(16).Select(b => new Guid(b));

    public static Gen<ContentHash> Hash => Bytes(ContentHash.Size).Select(b => ContentHash.FromBytes(b));

    /// <summary>A seed for deterministic bulk bytes (<see cref="Support.TestData.RandomBytes"/>).</summary>
    public static Gen<int> Seed => Gen.Choose(0, int.MaxValue);

    public static Gen<string> Word(int min, int max, string alphabet = NameChars)
        => from length in Gen.Choose(min, max)
           from chars in Gen.Elements(alphabet.ToCharArray()).ArrayOf(length)
           select new string(chars);

    public static Gen<string> LowerWord(int min, int max) => Word(min, max, Letters + "0123456789");

    public static bool IsDevice(string segment) => DeviceStems.Contains(segment.Split('.')[0].TrimEnd(' '), StringComparer.OrdinalIgnoreCase);

    /// <summary>A valid path segment: a name, maybe with an extension, never a device name.</summary>
    public static Gen<string> Segment
        => (from name in Word(1, 12)
            from ext in Gen.Frequency((2, Gen.Constant("")), (3, Word(1, 4).Select(e => "." + e)))
            select name + ext).Where(s => !IsDevice(s));

    public static Gen<string> DeviceSegment
        => from stem in Gen.Elements(DeviceStems)
           from upper in Bool
           from ext in Gen.Elements("", ".txt", ".log", ".dat", " .txt", ".tar.gz")
           select (upper ? stem : stem.ToLowerInvariant()) + ext;

    /// <summary>A valid relative profile path of 1 to 4 segments.</summary>
    public static Gen<string> ValidPath
        => from count in Gen.Choose(1, 4)
           from segments in Segment.ArrayOf(count)
           select string.Join('\\', segments);

    /// <summary>Files with plausible fields; the chunk hashes are made up, which a begin cannot tell.</summary>
    public static ManifestFile File(string path, long length, int chunkSize, int seed)
    {
        var random = new System.Random(seed);
        var chunks = (int)((length + chunkSize - 1) / chunkSize);
        return new ManifestFile(path, length, length == 0 ? ContentHash.Compute([]) : RandomHash(random), chunkSize, [.. Enumerable.Range(0, chunks).Select(_ => RandomHash(random))]);
    }

    public static ContentHash RandomHash(System.Random random)
    {
        var digest = new byte[ContentHash.Size];
        random.NextBytes(digest);
        return ContentHash.FromBytes(digest);
    }

    public static Gen<ManifestFile> ValidFile(string path)
        => from length in Gen.Frequency((1, Gen.Constant(0L)), (6, Long(1, 300_000)))
           from chunkSize in Gen.Elements(4096, 65536, 1 << 20)
           from seed in Seed
           select File(path, length, chunkSize, seed);

    /// <summary>1 to <paramref name="max"/> valid files with paths distinct regardless of case, in canonical order.</summary>
    public static Gen<ImmutableArray<ManifestFile>> ValidFiles(int min, int max)
        => from count in Gen.Choose(min, max)
           from paths in ValidPath.ArrayOf(count)
           let distinct = paths.Distinct(StringComparer.OrdinalIgnoreCase).ToArray()
           from files in Gen.CollectToArray(distinct, ValidFile)
           select ProfileManifest.ForUpload(files).Files;

    public static ProfileManifest Upload(IEnumerable<ManifestFile> files) => ProfileManifest.ForUpload(files);

    /// <summary>A machine name the store accepts.</summary>
    public static Gen<string> Machine => Word(1, 15).Select(w => "WS-" + w);
}

/// <summary>A path the store must refuse, what its refusal must say, and why it is bad.</summary>
public sealed record BadPath(string Category, string Path, string Reason)
{
    public override string ToString() => $"{Category} {Show.Text(Path)}";

    private static Gen<string[]> Segments => Gen.Choose(1, 3).SelectMany(n => G.Segment.ArrayOf(n));

    private static Gen<string> Insert(string[] segments, Gen<string> bad)
        => from position in Gen.Choose(0, segments.Length)
           from segment in bad
           select string.Join('\\', [.. segments[..position], segment, .. segments[position..]]);

    /// <summary>Every way a manifest path can try to leave the profile folder or alias a file on Windows.</summary>
    public static Gen<BadPath> Any => Gen.OneOf(
        from s in Segments select new BadPath("rooted", "\\" + string.Join('\\', s), "the path is rooted or has an empty segment"),
        from s in Segments select new BadPath("unc", @"\\server\share\" + string.Join('\\', s), "the path is rooted or has an empty segment"),
        from s in Segments from p in Insert(s, G.OneOf("..", ".")) select new BadPath("dot-segment", p, "the path has a '.' or '..' segment"),
        from s in Segments from n in Gen.Choose(1, 6) select new BadPath("climb", string.Concat(Enumerable.Repeat(@"..\", n)) + string.Join('\\', s), "the path has a '.' or '..' segment"),
        from s in Segments from d in Gen.Elements("CDEZcz".ToCharArray()) from rooted in G.Bool select new BadPath("drive", $"{d}:{(rooted ? "\\" : "")}{string.Join('\\', s)}", "the path contains ':'"),
        from s in Segments from stream in G.Word(1, 8) from data in G.Bool select new BadPath("stream", $"{string.Join('\\', s)}:{stream}{(data ? ":$DATA" : "")}", "the path contains ':'"),
        from s in Segments from p in Insert(s, G.DeviceSegment) select new BadPath("device", p, "is a reserved Windows device name"),
        from s in Segments from p in Insert(s, Gen.Constant("")) select new BadPath("empty-segment", p.Length == 0 ? "\\" : p, "the path is rooted or has an empty segment"),
        from s in Segments select new BadPath("trailing-separator", string.Join('\\', s) + "\\", "the path is rooted or has an empty segment"),
        Gen.Constant(new BadPath("empty", "", "the path is empty")),
        from s in Segments.Where(s => s.Length > 1) select new BadPath("slash-separators", string.Join('/', s), "the path contains '/'"),
        from s in Segments from p in Insert(s, G.Segment.Select(x => "/" + x)) select new BadPath("slash", p.TrimStart('\\'), "the path contains '/'"),
        from s in Segments from p in Insert(s, from x in G.Segment from end in G.OneOf(".", " ", "..", " .", ". ") select x + end) select new BadPath("trailing-dot-or-space", p, "a path segment ends with a space or a period"),
        from s in Segments from c in Gen.Elements(Controls) from at in Gen.Choose(0, 100)
            let joined = string.Join('\\', s) let i = at % (joined.Length + 1)
            select new BadPath("control", joined[..i] + c + joined[i..], $"the path contains the control character U+{(int)c:X4}"),
        from s in Segments from c in Gen.Elements("<>\"|?*".ToCharArray()) from at in Gen.Choose(0, 100)
            let joined = string.Join('\\', s) let i = at % (joined.Length + 1)
            select new BadPath("forbidden", joined[..i] + c + joined[i..], $"the path contains '{c}'"),
        from length in Gen.Choose(ProfilePath.MaxLength + 1, 4 * ProfilePath.MaxLength)
            from segments in G.Segment.ArrayOf(length / 3)
            select new BadPath("overlong", string.Join('\\', segments).PadRight(length, 'x')[..length].TrimEnd('\\', '.', ' ').PadRight(length, 'x'), $"the path is longer than {ProfilePath.MaxLength} characters"));

    private static readonly char[] Controls = [.. Enumerable.Range(0, 0x20).Select(c => (char)c), '\u007F', '\u0080', '\u0085', '\u009F'];
}
