namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// A clock whose wall time can be moved forward. Only <see cref="GetUtcNow"/> moves: timestamps and
/// timers stay real, so the Orleans runtime that shares the silo's TimeProvider keeps working.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far this clock is ahead of the real one.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
