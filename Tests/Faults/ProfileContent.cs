using System.Security.Cryptography;
using System.Text;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>
/// The exact files of a profile folder (paths with '\' separators, as the store names them) and a
/// fingerprint over all of them, so versions are compared byte for byte by comparing fingerprints.
/// </summary>
public sealed class ProfileContent
{
    /// <summary>What an interrupted pull may leave beside a file; the agent ignores and later deletes it.</summary>
    public const string TemporarySuffix = ".profiles-tmp";

    public static readonly ProfileContent Empty = new(new Dictionary<string, byte[]>());

    public ProfileContent(IReadOnlyDictionary<string, byte[]> files)
    {
        Files = new SortedDictionary<string, byte[]>(files.ToDictionary(), StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, bytes) in Files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path));
            hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
            hash.AppendData(bytes);
        }

        Fingerprint = Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public IReadOnlyDictionary<string, byte[]> Files { get; }

    /// <summary>SHA-256 over every path, length and byte.</summary>
    public string Fingerprint { get; }

    /// <summary>A short form of the fingerprint for logs.</summary>
    public string Id => Fingerprint[..10];

    public long Bytes => Files.Values.Sum(b => (long)b.Length);

    public bool IsEmpty => Files.Count == 0;

    /// <summary>The files of <paramref name="folder"/>, leftover temporary files of interrupted pulls excluded.</summary>
    public static ProfileContent Read(string folder)
        => new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(TemporarySuffix, StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '\\'), File.ReadAllBytes));

    /// <summary>Leftover temporary files under <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> Temporaries(string folder)
        => [.. Directory.EnumerateFiles(folder, "*" + TemporarySuffix, SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f))];

    /// <summary>Makes <paramref name="folder"/> hold exactly these files (temporary leftovers aside): writes what differs, deletes what is extra.</summary>
    public void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        var present = Read(folder);
        foreach (var path in present.Files.Keys.Where(p => !Files.ContainsKey(p)))
        {
            File.Delete(LocalPath(folder, path));
        }

        foreach (var (path, bytes) in Files)
        {
            if (!present.Files.TryGetValue(path, out var old) || !old.AsSpan().SequenceEqual(bytes))
            {
                var local = LocalPath(folder, path);
                Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                File.WriteAllBytes(local, bytes);
            }
        }
    }

    public ProfileContent With(string path, byte[] bytes)
    {
        var files = Files.ToDictionary();
        files[path] = bytes;
        return new ProfileContent(files);
    }

    public ProfileContent Without(string path)
    {
        var files = Files.ToDictionary();
        files.Remove(path);
        return new ProfileContent(files);
    }

    /// <summary>How <paramref name="actual"/> differs from this content, for a failure message.</summary>
    public string DescribeDifference(ProfileContent actual)
    {
        var lines = new List<string>();
        foreach (var path in Files.Keys.Union(actual.Files.Keys).Order(StringComparer.Ordinal))
        {
            var mine = Files.GetValueOrDefault(path);
            var theirs = actual.Files.GetValueOrDefault(path);
            if (mine is null)
            {
                lines.Add($"  {path}: unexpected ({theirs!.Length} bytes)");
            }
            else if (theirs is null)
            {
                lines.Add($"  {path}: missing ({mine.Length} bytes expected)");
            }
            else if (!mine.AsSpan().SequenceEqual(theirs))
            {
                var first = mine.AsSpan().CommonPrefixLength(theirs);
                lines.Add($"  {path}: {theirs.Length} bytes where {mine.Length} were expected, first difference at byte {first} (page {first / 4096})");
            }
        }

        return lines.Count == 0 ? "  (no difference)" : string.Join('\n', lines);
    }

    public override string ToString() => $"{Id} ({Files.Count} file(s), {Bytes} bytes)";

    private static string LocalPath(string folder, string path) => Path.Combine([folder, .. path.Split('\\')]);
}
