namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>The smallest grain there is: the memory figure's baseline for what an activation costs by itself.</summary>
public interface IBareGrain : IGrainWithStringKey
{
    Task Touch();
}
