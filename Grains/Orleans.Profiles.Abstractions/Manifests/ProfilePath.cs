using System.Buffers;

namespace Orleans.Profiles;

/// <summary>
/// Relative paths inside a profile. Manifests store them the way Windows names them, with
/// <c>\</c> separators, and compare them case-insensitively; agents on other systems convert.
/// A path that could reach outside the profile folder, or that Windows would alias, is refused.
/// </summary>
public static class ProfilePath
{
    public const char Separator = '\\';
    public const int MaxLength = 1024;

    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    private static readonly SearchValues<char> Forbidden = SearchValues.Create("<>:\"/|?*");

    private static readonly HashSet<string> ReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
    };

    /// <summary>Why <paramref name="path"/> is not a valid profile path, or null when it is.</summary>
    public static string? Check(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "the path is empty";
        }

        if (path.Length > MaxLength)
        {
            return $"the path is longer than {MaxLength} characters";
        }

        foreach (var c in path)
        {
            if (char.IsControl(c))
            {
                return $"the path contains the control character U+{(int)c:X4}";
            }
        }

        if (path.AsSpan().IndexOfAny(Forbidden) is var bad and >= 0)
        {
            return path[bad] switch
            {
                ':' => "the path contains ':' (a drive letter or an alternate data stream)",
                '/' => @"the path contains '/': profile paths use '\'",
                var c => $"the path contains '{c}', which Windows does not allow in file names",
            };
        }

        foreach (var segment in path.Split(Separator))
        {
            if (segment.Length == 0)
            {
                return @"the path is rooted or has an empty segment ('\\')";
            }

            if (segment is "." or "..")
            {
                return "the path has a '.' or '..' segment";
            }

            if (segment[^1] is ' ' or '.')
            {
                return "a path segment ends with a space or a period, which Windows strips";
            }

            var stem = segment.Split('.')[0].TrimEnd(' ');
            if (ReservedNames.Contains(stem))
            {
                return $"'{segment}' is a reserved Windows device name";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="InvalidManifestException"/> when <paramref name="path"/> is not valid.</summary>
    public static void Validate(string path)
    {
        if (Check(path) is { } reason)
        {
            throw new InvalidManifestException(reason, path);
        }
    }

    /// <summary>Converts a path relative to a local folder into its profile form.</summary>
    public static string FromLocal(string relativePath)
    {
        var path = Path.DirectorySeparatorChar == Separator
            ? relativePath
            : relativePath.Contains(Separator)
                ? throw new InvalidManifestException(@"a local file name contains '\', which a Windows profile cannot hold", relativePath)
                : relativePath.Replace(Path.DirectorySeparatorChar, Separator);
        Validate(path);
        return path;
    }

    /// <summary>
    /// Resolves a profile path under <paramref name="root"/>, refusing any path (from a hostile or
    /// damaged manifest) that is not valid or would land outside the root.
    /// </summary>
    public static string ToLocal(string root, string path)
    {
        Validate(path);
        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine([fullRoot, .. path.Split(Separator)]));
        var prefix = Path.EndsInDirectorySeparator(fullRoot) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal)
            ? full
            : throw new InvalidManifestException("the path resolves outside the profile folder", path);
    }
}
