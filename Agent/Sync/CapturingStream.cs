namespace Orleans.Profiles.Sync;

/// <summary>
/// A read-only view of a file stream that counts the bytes read through it and keeps a copy of the
/// first ones (as many as its buffer holds), so the bytes a hash pass read need not be read again.
/// </summary>
internal sealed class CapturingStream(Stream inner, byte[] capture) : Stream
{
    public long BytesRead { get; private set; }

    /// <summary>How many of the first bytes are in the capture buffer.</summary>
    public int Captured { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Keep(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Keep(buffer.Span[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Keep(ReadOnlySpan<byte> read)
    {
        // Reads are sequential from the start: only while the file's position is inside the buffer is there anything to keep.
        if (BytesRead < capture.Length)
        {
            var take = (int)Math.Min(read.Length, capture.Length - BytesRead);
            read[..take].CopyTo(capture.AsSpan((int)BytesRead));
            Captured += take;
        }

        BytesRead += read.Length;
    }
}
