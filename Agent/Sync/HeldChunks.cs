namespace Orleans.Profiles.Sync;

/// <summary>
/// The bytes a push's hash pass read from files changed since the last sync (their chunks are the
/// ones the store likely lacks), kept within <see cref="ProfileSyncOptions.PushBufferBytes"/> so the
/// send pass need not read them again. What did not fit is read again, its hash checked.
/// </summary>
internal sealed class HeldChunks(long budget)
{
    private readonly Dictionary<ContentHash, (HeldFile File, int Offset, int Length)> _chunks = [];
    private readonly HashSet<HeldFile> _sent = [];
    private long _left = Math.Max(0, budget);

    /// <summary>
    /// Hashes <paramref name="file"/>, keeping as many of its first bytes as the budget has left unless
    /// its SHA-256 is <paramref name="lastSynced"/> (the store has it already). Returns the bytes read.
    /// </summary>
    public async Task<(ManifestFile File, long BytesRead)> HashAsync(LocalFile file, string? lastSynced, CancellationToken cancellationToken)
    {
        await using var source = file.OpenRead();
        var stamp = FileStamp.Of(source);
        var capture = new byte[Math.Min(Math.Min(stamp.Length, _left), Array.MaxLength)];
        await using var stream = new CapturingStream(source, capture);
        var hashed = await ProfileChunker.HashAsync(file.ProfilePath, stream, cancellationToken: cancellationToken);
        if (stream.Captured > 0 && hashed.Sha256.ToString() != lastSynced)
        {
            var held = new HeldFile(file.FullPath, stamp, capture);
            for (var i = 0; i < hashed.Chunks.Length; i++)
            {
                var offset = (long)i * hashed.ChunkSize;
                var length = hashed.ChunkLength(i);
                if (offset + length <= stream.Captured)
                {
                    _chunks.TryAdd(hashed.Chunks[i], (held, (int)offset, length));
                }
            }

            _left -= stream.Captured;
        }

        return (hashed, stream.BytesRead);
    }

    /// <summary>A copy of a held chunk's bytes, as the hash pass read them.</summary>
    public bool TryTake(ContentHash hash, out byte[] data)
    {
        if (!_chunks.TryGetValue(hash, out var at))
        {
            data = [];
            return false;
        }

        _sent.Add(at.File);
        data = at.File.Bytes.AsSpan(at.Offset, at.Length).ToArray();
        return true;
    }

    /// <summary>
    /// Held bytes were not read again, so their hashes prove nothing about the file now: a file written
    /// since its hash pass (its length or last write time moved) fails the push instead of committing
    /// content the user has already replaced.
    /// </summary>
    public void EnsureSentFilesUnchanged()
    {
        foreach (var file in _sent)
        {
            if (FileStamp.Now(file.Path) != file.Stamp)
            {
                throw FileChangedDuringSyncException.Pushed(file.Path);
            }
        }
    }

    private sealed record HeldFile(string Path, FileStamp Stamp, byte[] Bytes);
}
