namespace Orleans.Profiles.Sync;

/// <summary>A file of the local profile: its path in the profile (<c>\</c>-separated) and on this machine.</summary>
public sealed record LocalFile(string ProfilePath, string FullPath)
{
    /// <summary>The files under <paramref name="root"/> (a folder), or the one file <paramref name="root"/> names.</summary>
    public static IReadOnlyList<LocalFile> Enumerate(string root)
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
        return [.. Directory.EnumerateFiles(full, "*", options)
            .Where(f => !f.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal))
            .Select(f => new LocalFile(Profiles.ProfilePath.FromLocal(Path.GetRelativePath(full, f)), f))
            .OrderBy(f => f.ProfilePath, Profiles.ProfilePath.Comparer)];
    }

    public FileStream OpenRead()
        => new(FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public async Task<ManifestFile> HashAsync(CancellationToken cancellationToken)
    {
        await using var stream = OpenRead();
        return await ProfileChunker.HashAsync(ProfilePath, stream, cancellationToken: cancellationToken);
    }
}
