using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>One real silo process shared by the end-to-end tests of a collection; each test uses its own user.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("e2e-silo");
    private SiloProcess? _silo;

    public SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

    public async Task InitializeAsync() => _silo = await SiloProcess.StartAsync(_data.Path);

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _data.Dispose();
    }
}
