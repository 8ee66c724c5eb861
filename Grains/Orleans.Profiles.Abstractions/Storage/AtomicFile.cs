using System.Runtime.InteropServices;

namespace Orleans.Profiles;

/// <summary>
/// Replaces files the way Windows NT learned to after KB Q191834: write a temporary file beside the
/// target, flush it to disk, rename it over the target, then flush the folder so the rename itself
/// survives a power cut. A crash at any point leaves either the old file or the new one, never a mix.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>The suffix of temporary files; anything ending in it is an interrupted write and may be deleted.</summary>
    public const string TemporarySuffix = ".profiles-tmp";

    public static Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
        => WriteAsync(path, (stream, ct) => stream.WriteAsync(bytes, ct), cancellationToken);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically and durably.</summary>
    public static async Task WriteAsync(string path, Func<FileStream, CancellationToken, ValueTask> write, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = TemporaryPathFor(path);
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await write(stream, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        FlushDirectory(directory);
    }

    /// <summary>A fresh temporary name beside <paramref name="path"/>, hidden on Unix and recognisable by its suffix.</summary>
    public static string TemporaryPathFor(string path)
        => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TemporarySuffix}");

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/> and makes the rename durable.</summary>
    public static void MoveDurably(string source, string destination)
    {
        File.Move(source, destination, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
    }

    /// <summary>Makes renames and creations in <paramref name="directory"/> durable (fsync of the folder on Unix; NTFS journals them).</summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open folder {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Cannot flush folder {directory} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
