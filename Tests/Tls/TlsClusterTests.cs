using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Tls;

/// <summary>
/// Silos in azure mode over Azurite talking mutual TLS: silos whose certificates chain to the same CA form a cluster;
/// a silo whose certificate chains to another CA is refused by them (and refuses them) and never becomes a member.
/// </summary>
[Collection(OwnProcessesCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class TlsClusterTests(TestCertificates certificates) : IClassFixture<TestCertificates>, IAsyncLifetime
{
    // Short probes, as SiloCluster uses, so a silo that cannot be reached is declared dead in seconds.
    private static readonly string[] FastMembership =
    [
        "--Membership:ProbeTimeout=00:00:01", "--Membership:NumMissedProbesLimit=2", "--Membership:TableRefreshTimeout=00:00:02",
    ];

    private readonly TempDirectory _root = new("tls-cluster");
    private readonly List<SiloProcess> _silos = [];
    private AzuriteProcess? _azurite;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync(_root.Combine("azurite"));

        // One after the other: a joining silo checks that it reaches every active member (over mutual TLS here)
        // before it becomes active itself, so the second one's ready line means the two talked.
        _silos.Add(await SiloProcess.StartAsync(_root.Path, SiloArgs(certificates.SiloPfx, certificates.CaPath)));
        _silos.Add(await SiloProcess.StartAsync(_root.Path, SiloArgs(certificates.SiloPfx, certificates.CaPath)));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        _root.Dispose();
    }

    [Fact]
    public async Task Silos_of_one_CA_form_a_cluster_and_a_silo_of_another_CA_cannot_join()
    {
        using var ws1 = new Workstation("tls-c1", _silos[0].Gateway);
        using var ws2 = new Workstation("tls-c2", _silos[1].Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(128, seed: 1300));
        ws1.Write(@"AppData\Roaming\app.ini", TestData.RandomBytes(4000, seed: 1301));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\xena", "--path", ws1.Profile, "--tls-ca", certificates.CaPath);
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\xena", "--path", ws2.Profile, "--tls-ca", certificates.CaPath);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());

        const string refused = "TLS: refused the certificate of silo peer ";
        var membersRefuseIt = _silos.Select(s => s.Process.WaitForLineAsync(
            l => l.Contains(refused, StringComparison.Ordinal) && l.Contains($"({TestCertificates.OtherSiloSubject}, issued by CN=Unrelated Test CA)", StringComparison.Ordinal),
            $"{s.Gateway} refusing the rogue silo's certificate")).ToList();

        await using var rogue = ChildProcess.Start(Programs.SiloPath, [
            "--data", _root.Path, "--silo-port", $"{Programs.FreePort()}", "--gateway-port", $"{Programs.FreePort()}", "--health-port", $"{Programs.FreePort()}",
            .. SiloArgs(certificates.OtherSiloPfx, certificates.OtherCaPath)]);

        // The members refuse its certificate, it refuses theirs, and the cluster declares it dead: Orleans then
        // stops it at once (FailFast, SIGABRT) before it ever says it is ready.
        await Task.WhenAny(membersRefuseIt).Unwrap();
        await rogue.WaitForLineAsync(
            l => l.Contains(refused, StringComparison.Ordinal) && l.Contains($"({TestCertificates.SiloSubject}, issued by CN=Orleans.Profiles Test CA)", StringComparison.Ordinal),
            "the rogue silo refusing a member's certificate");
        var exitCode = await rogue.WaitForExitAsync();
        Assert.True(exitCode == 134, $"the rogue silo exited with {exitCode}\nstdout:\n{rogue.StandardOutput}\nstderr:\n{rogue.StandardError}");
        Assert.DoesNotContain("Orleans.Profiles silo ready", rogue.StandardOutput, StringComparison.Ordinal);

        // The members carry on, still in one cluster.
        using var ws3 = new Workstation("tls-c3", _silos[1].Gateway);
        await ws3.Agent.SucceedAsync("pull", "--user", @"contoso\xena", "--path", ws3.Profile, "--tls-ca", certificates.CaPath);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws3.Snapshot());
        Assert.All(_silos, s => Assert.False(s.Process.HasExited, $"{s.Gateway} stopped"));
    }

    private string[] SiloArgs(string pfx, string ca)
        => ["--storage", "azure", "--azure-connection-string", _azurite!.ConnectionString, .. FastMembership,
            "--tls-cert", pfx, $"--Tls:Password={certificates.Password}", "--tls-ca", ca];
}
