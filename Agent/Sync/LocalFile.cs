using System.IO.Enumeration;

namespace Orleans.Profiles.Sync;

/// <summary>A file of the local profile: its path in the profile (<c>\</c>-separated) and on this machine.</summary>
public sealed record LocalFile(string ProfilePath, string FullPath)
{
    /// <summary>
    /// The files under <paramref name="root"/> (a folder) that <paramref name="filter"/> lets roam, or the
    /// one file <paramref name="root"/> names. A folder nothing under which can roam is not even listed,
    /// so an unreadable cache folder under <c>AppData\Local</c> cannot fail a push.
    /// </summary>
    public static IReadOnlyList<LocalFile> Enumerate(string root, ProfileFilter filter)
    {
        var full = Path.GetFullPath(root);
        if (File.Exists(full))
        {
            return [new LocalFile(Profiles.ProfilePath.FromLocal(Path.GetFileName(full)), full)];
        }

        if (!Directory.Exists(full))
        {
            throw new FileNotFoundException($"\"{root}\" is neither a file nor a folder.", root);
        }

        // Links are skipped: following them could leave the profile folder or loop.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
        var files = new FileSystemEnumerable<string>(full, (ref entry) => entry.ToFullPath(), options)
        {
            ShouldIncludePredicate = (ref entry) => !entry.IsDirectory,
            ShouldRecursePredicate = (ref entry) => filter.MayRoamUnder(InProfile(full, entry.ToFullPath())),
        };

        // The filter sees a path before it is checked: an excluded file may have a name no profile can hold.
        return [.. files
            .Where(f => !f.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal) && filter.Roams(InProfile(full, f)))
            .Select(f => new LocalFile(Profiles.ProfilePath.FromLocal(Path.GetRelativePath(full, f)), f))
            .OrderBy(f => f.ProfilePath, Profiles.ProfilePath.Comparer)];
    }

    private static string InProfile(string root, string fullPath)
        => Path.GetRelativePath(root, fullPath).Replace(Path.DirectorySeparatorChar, Profiles.ProfilePath.Separator);

    public FileStream OpenRead()
        => new(FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public async Task<ManifestFile> HashAsync(CancellationToken cancellationToken)
    {
        await using var stream = OpenRead();
        return await ProfileChunker.HashAsync(ProfilePath, stream, cancellationToken: cancellationToken);
    }
}
