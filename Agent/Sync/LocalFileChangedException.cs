namespace Orleans.Profiles.Sync;

/// <summary>A file changed while it was being pushed; the store kept its current snapshot. Push again once it is closed.</summary>
public sealed class LocalFileChangedException(string path)
    : Exception($"\"{path}\" changed while it was being pushed: the store kept its current snapshot; push again once the file is closed.")
{
    public string Path { get; } = path;
}
