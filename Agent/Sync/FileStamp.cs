namespace Orleans.Profiles.Sync;

/// <summary>
/// A file's length and last write time, taken from an open handle (not the directory entry, which
/// Windows updates late for open files): a file whose stamp is unchanged was not written since.
/// </summary>
internal readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
{
    public static FileStamp Of(FileStream stream)
        => new(RandomAccess.GetLength(stream.SafeFileHandle), File.GetLastWriteTimeUtc(stream.SafeFileHandle));

    /// <summary>The stamp the file has now; null when it is gone.</summary>
    public static FileStamp? Now(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new(RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
