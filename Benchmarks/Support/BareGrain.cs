namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>No state, no services: an activation and nothing else.</summary>
public sealed class BareGrain : Grain, IBareGrain
{
    public Task Touch() => Task.CompletedTask;
}
