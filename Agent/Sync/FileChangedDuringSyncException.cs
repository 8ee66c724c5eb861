namespace Orleans.Profiles.Sync;

/// <summary>
/// A local file changed while a push or pull was reading it. A push leaves the store's current
/// snapshot as it was, a pull leaves every local file as it was: run it again once the file is closed.
/// </summary>
public sealed class FileChangedDuringSyncException : Exception
{
    private FileChangedDuringSyncException(string path, string message)
        : base(message)
        => Path = path;

    public string Path { get; }

    /// <summary>A file of the profile being pushed changed after it was hashed.</summary>
    public static FileChangedDuringSyncException Pushed(string path)
        => new(path, $"\"{path}\" changed while it was being pushed: the store kept its current snapshot; push again once the file is closed.");

    /// <summary>A local file whose chunks a pull reuses changed after it was hashed.</summary>
    public static FileChangedDuringSyncException Pulled(string path)
        => new(path, $"\"{path}\" changed while it was being pulled: no local file was replaced; pull again once the file is closed.");
}
