namespace Orleans.Profiles.Sync;

/// <summary>Keeps a transfer under a byte rate by pausing between batches (0 means no limit).</summary>
internal sealed class BandwidthThrottle(long bytesPerSecond, TimeProvider time)
{
    private readonly long _start = time.GetTimestamp();
    private long _bytes;

    public async Task ConsumeAsync(long bytes, CancellationToken cancellationToken)
    {
        if (bytesPerSecond <= 0)
        {
            return;
        }

        _bytes += bytes;
        var due = TimeSpan.FromSeconds((double)_bytes / bytesPerSecond) - time.GetElapsedTime(_start);
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, time, cancellationToken);
        }
    }
}
