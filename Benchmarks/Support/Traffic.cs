using Orleans.Profiles.Tests.Faults;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>Bytes forwarded to the silo (up) and back to the agent (down).</summary>
public readonly record struct Traffic(long Up, long Down)
{
    public long Total => Up + Down;

    public static Traffic Of(FaultProxy proxy) => new(proxy.BytesToServer, proxy.BytesToClient);

    public static Traffic operator -(Traffic a, Traffic b) => new(a.Up - b.Up, a.Down - b.Down);

    public override string ToString() => $"{FigureReport.Bytes(Up)} up, {FigureReport.Bytes(Down)} down";
}
