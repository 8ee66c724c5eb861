using Microsoft.Win32.SafeHandles;

namespace Orleans.Profiles.Sync;

/// <summary>
/// Reads chunks back from local files at known offsets, each checked against its hash: a file that
/// changed since it was hashed fails the read instead of sending or writing wrong bytes. Handles are
/// opened once per file for the length of a transfer.
/// </summary>
/// <param name="changed">What to throw when a file no longer has the bytes it was hashed with (the message names the operation).</param>
internal sealed class LocalChunkReader(Func<string, FileChangedDuringSyncException> changed) : IDisposable
{
    private readonly Dictionary<string, SafeFileHandle> _handles = new(StringComparer.Ordinal);

    public async Task<byte[]> ReadAsync(string path, long offset, int length, ContentHash hash, CancellationToken cancellationToken)
    {
        var data = new byte[length];
        var read = await RandomAccess.ReadAsync(Open(path), data, offset, cancellationToken);
        return read == length && ContentHash.Compute(data) == hash
            ? data
            : throw changed(path);
    }

    public void Dispose()
    {
        foreach (var handle in _handles.Values)
        {
            handle.Dispose();
        }
    }

    private SafeFileHandle Open(string path)
    {
        if (!_handles.TryGetValue(path, out var handle))
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            _handles[path] = handle;
        }

        return handle;
    }
}
