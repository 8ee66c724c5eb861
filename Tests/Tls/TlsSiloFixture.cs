using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Tls;

/// <summary>Throwaway certificates and one real local-mode silo with TLS on (PFX with a password, peers chained to the test CA).</summary>
public sealed class TlsSiloFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("tls-silo");
    private SiloProcess? _silo;

    public TestCertificates Certificates { get; } = new();

    public SiloProcess Silo => _silo ?? throw new InvalidOperationException("The TLS silo has not started.");

    public async Task InitializeAsync()
        => _silo = await SiloProcess.StartAsync(_data.Path, "--tls-cert", Certificates.SiloPfx, $"--Tls:Password={Certificates.Password}", "--tls-ca", Certificates.CaPath);

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _data.Dispose();
        Certificates.Dispose();
    }
}
