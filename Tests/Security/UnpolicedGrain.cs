namespace Orleans.Profiles.Tests.Security;

public sealed class UnpolicedGrain : Grain, IUnpolicedGrain
{
    public int Calls { get; private set; }

    public Task<int> WithPolicy() => Task.FromResult(++Calls);

    public Task<int> WithoutPolicy() => Task.FromResult(++Calls);
}
