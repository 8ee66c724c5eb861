using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Tls;

/// <summary>
/// Encryption in transit with real silo and agent processes: a TLS silo serves agents that trust its CA, refuses
/// plaintext agents, is refused by agents that trust another CA or dialed a name its certificate lacks, and works
/// through a plain TCP proxy; bad TLS settings stop the silo with exit code 2 and one line.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class TlsTests(SiloFixture plaintext, TlsSiloFixture tls) : IClassFixture<TlsSiloFixture>
{
    private const string CaSubject = "CN=Orleans.Profiles Test CA";

    private TestCertificates Certificates => tls.Certificates;

    [Fact]
    public async Task An_agent_that_trusts_the_CA_pushes_and_pulls_byte_identical_files()
    {
        using var ws1 = new Workstation("tls1", tls.Silo.Gateway);
        using var ws2 = new Workstation("tls2", $"localhost:{tls.Silo.GatewayPort}");
        ws1.Write("NTUSER.DAT", TestData.HiveLike(64, seed: 1100));
        ws1.Write(@"AppData\Roaming\app.ini", TestData.RandomBytes(5000, seed: 1101));

        var push = (await ws1.Agent.SucceedAsync("push", "--user", @"contoso\tina", "--path", ws1.Profile, "--tls-ca", Certificates.CaPath)).Json;
        Assert.Equal(1, push.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(65, push.GetProperty("chunksSent").GetInt32());

        // Dialed by name this time: the certificate's DNS name is what is checked.
        var pull = (await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\tina", "--path", ws2.Profile, "--tls-ca", Certificates.CaPath)).Json;
        Assert.Equal(1, pull.GetProperty("snapshot").GetProperty("number").GetInt32());
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
    }

    [Fact]
    public async Task A_plaintext_agent_is_refused_quickly_and_commits_nothing()
    {
        using var ws = new Workstation("plain", tls.Silo.Gateway);
        ws.Write("NTUSER.DAT", TestData.HiveLike(16, seed: 1200));

        var clock = Stopwatch.StartNew();
        var refused = await ws.Agent.RunAsync("push", "--user", @"contoso\uma", "--path", ws.Profile, "--retries", "1", "--timeout", "3");
        clock.Stop();
        Assert.Equal(ExitCodes.StoreUnavailable, refused.ExitCode);
        Assert.Equal($"profiles-agent: error: The profile store did not answer after 1 attempts (TimeoutException: no gateway of {tls.Silo.Gateway} answered within 3 s).\n", refused.StandardError);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the refused agent took {clock.Elapsed}");

        var status = (await ws.Agent.SucceedAsync("status", "--user", @"contoso\uma", "--tls-ca", Certificates.CaPath)).Json.GetProperty("status");
        Assert.Equal(JsonValueKind.Null, status.GetProperty("current").ValueKind);
        Assert.Equal(0, status.GetProperty("snapshots").GetInt32());
        Assert.Equal(0, status.GetProperty("openSessions").GetInt32());
    }

    [Fact]
    public async Task An_agent_that_trusts_another_CA_is_refused_at_once_with_the_reason()
    {
        using var ws = new Workstation("other-ca", tls.Silo.Gateway);

        // Default retries (6): a refused certificate must not be retried at all.
        var refused = await ws.Agent.RunAsync("status", "--user", @"contoso\vera", "--tls-ca", Certificates.OtherCaPath);
        Assert.Equal(ExitCodes.StoreUnavailable, refused.ExitCode);
        Assert.Equal(
            $"profiles-agent: error: the TLS certificate of gateway {tls.Silo.Gateway} ({TestCertificates.SiloSubject}, issued by {CaSubject}) was refused: "
            + $"it does not chain to a certificate authority of --tls-ca {Certificates.OtherCaPath} (PartialChain). Nothing was changed; a certificate problem is not retried.\n",
            refused.StandardError);

        // --tls alone trusts the system store, which does not hold the test CA.
        var untrusted = await ws.Agent.RunAsync("status", "--user", @"contoso\vera", "--tls");
        Assert.Equal(ExitCodes.StoreUnavailable, untrusted.ExitCode);
        Assert.StartsWith(
            $"profiles-agent: error: the TLS certificate of gateway {tls.Silo.Gateway} ({TestCertificates.SiloSubject}, issued by {CaSubject}) was refused: it does not chain to a certificate authority this machine trusts (",
            untrusted.StandardError, StringComparison.Ordinal);
        Assert.EndsWith("); give the silos' CA with --tls-ca. Nothing was changed; a certificate problem is not retried.\n", untrusted.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tls_agent_against_a_plaintext_silo_fails_its_handshake_and_the_silo_warned_once()
    {
        using var ws = new Workstation("tls-to-plain", plaintext.Silo.Gateway);
        var result = await ws.Agent.RunAsync("status", "--user", @"contoso\walt", "--tls-ca", Certificates.CaPath, "--retries", "2", "--timeout", "3");
        Assert.Equal(ExitCodes.StoreUnavailable, result.ExitCode);
        Assert.EndsWith(
            $"profiles-agent: error: The profile store did not answer after 2 attempts (IOException: the TLS handshake with gateway {plaintext.Silo.Gateway} failed (is TLS on at that silo? --verbose tells more)).\n",
            result.StandardError, StringComparison.Ordinal);

        var warnings = plaintext.Silo.Process.StandardOutput.Split('\n').Where(l => l.Contains("TLS is off", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("warn: ", warning, StringComparison.Ordinal);
        Assert.EndsWith("TLS is off: agents and silos connect in plaintext, which is only for loopback and development; set Tls:CertificatePath (--tls-cert) to encrypt", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tls_silo_says_which_certificate_it_uses_and_never_prints_its_password()
    {
        var output = tls.Silo.Process.StandardOutput + tls.Silo.Process.StandardError;
        var line = Assert.Single(output.Split('\n'), l => l.Contains("TLS on: ", StringComparison.Ordinal));
        Assert.Contains($"TLS on: gateway and silo-to-silo connections use certificate {TestCertificates.SiloSubject} (thumbprint ", line, StringComparison.Ordinal);
        Assert.EndsWith($"silo peers must present a certificate chaining to the CA file {Certificates.CaPath}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("TLS is off", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Certificates.Password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Behind_a_plain_tcp_proxy_tls_runs_end_to_end_and_the_dialed_name_must_be_in_the_certificate()
    {
        using var data = new TempDirectory("tls-proxied");
        var listenPort = Programs.FreePort();
        await using var proxy = new TcpForwarder(listenPort);
        await using var silo = await SiloProcess.StartAsync(data.Path, Programs.FreePort(), proxy.Port, Programs.FreePort(),
            ["--gateway-listen-port", $"{listenPort}", "--tls-cert", Certificates.NamedCertPem, "--tls-key", Certificates.NamedKeyPem, "--tls-ca", Certificates.CaPath]);

        var marker = Encoding.ASCII.GetBytes("PLAINTEXT-MARKER-7f3a9c;");
        using var ws1 = new Workstation("proxied1", $"localhost:{proxy.Port}");
        using var ws2 = new Workstation("proxied2", $"localhost:{proxy.Port}");
        ws1.Write("notes.txt", [.. Enumerable.Repeat(marker, 400).SelectMany(m => m)]);
        await ws1.Agent.SucceedAsync("push", "--user", "tlsproxyuser", "--path", ws1.Profile, "--tls-ca", Certificates.CaPath);
        await ws2.Agent.SucceedAsync("pull", "--user", "tlsproxyuser", "--path", ws2.Profile, "--tls-ca", Certificates.CaPath);
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());

        // Both transfers crossed the proxy, and neither the file's bytes nor the user's name crossed it in clear.
        var wire = proxy.Carried;
        Assert.True(wire.Length > 2 * marker.Length * 400, $"only {wire.Length} bytes crossed the proxy");
        Assert.Equal(-1, wire.AsSpan().IndexOf(marker));
        Assert.Equal(-1, wire.AsSpan().IndexOf("tlsproxyuser"u8));

        // The certificate names localhost only: dialing the address is refused, at once.
        using var ws3 = new Workstation("proxied3", $"127.0.0.1:{proxy.Port}");
        var refused = await ws3.Agent.RunAsync("status", "--user", "tlsproxyuser", "--tls-ca", Certificates.CaPath);
        Assert.Equal(ExitCodes.StoreUnavailable, refused.ExitCode);
        Assert.Equal(
            $"profiles-agent: error: the TLS certificate of gateway 127.0.0.1:{proxy.Port} ({TestCertificates.NamedSiloSubject}, issued by {CaSubject}) was refused: "
            + "it is not issued for 127.0.0.1, the name the gateway was dialed by (it names localhost): give --gateway a name or address the certificate holds. "
            + "Nothing was changed; a certificate problem is not retried.\n",
            refused.StandardError);
    }

    [Fact]
    public async Task A_missing_certificate_file_stops_the_silo_with_exit_code_2_and_one_line()
    {
        var missing = Path.Combine(Certificates.Folder, "no-such-silo.pfx");
        var (code, output, errors) = await RunFailingSiloAsync("--tls-cert", missing, "--tls-ca", Certificates.CaPath);
        Assert.Equal(2, code);
        Assert.Equal($"profiles-silo: invalid configuration: Tls:CertificatePath (--tls-cert): the file {missing} does not exist.\n", errors);
        Assert.DoesNotContain("silo ready", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_stops_the_silo_without_printing_it()
    {
        var wrong = $"wrong-{Guid.NewGuid():N}";
        var (code, output, errors) = await RunFailingSiloAsync("--tls-cert", Certificates.SiloPfx, $"--Tls:Password={wrong}", "--tls-ca", Certificates.CaPath);
        Assert.Equal(2, code);
        Assert.StartsWith($"profiles-silo: invalid configuration: Tls:CertificatePath (--tls-cert): {Certificates.SiloPfx} cannot be read as a PFX (PKCS#12) file with the configured Tls:Password: ", errors, StringComparison.Ordinal);
        Assert.Single(errors.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain(wrong, output + errors, StringComparison.Ordinal);
        Assert.DoesNotContain(Certificates.Password, output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_that_does_not_match_the_certificate_stops_the_silo()
    {
        var (code, _, errors) = await RunFailingSiloAsync("--tls-cert", Certificates.SiloCertPem, "--tls-key", Certificates.NamedKeyPem, "--tls-ca", Certificates.CaPath);
        Assert.Equal(2, code);
        Assert.StartsWith($"profiles-silo: invalid configuration: Tls:KeyPath (--tls-key): the key in {Certificates.NamedKeyPem} cannot be used with the certificate in {Certificates.SiloCertPem}: ", errors, StringComparison.Ordinal);
        Assert.Single(errors.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task A_certificate_that_does_not_chain_to_the_configured_CA_stops_the_silo()
    {
        var (code, _, errors) = await RunFailingSiloAsync("--tls-cert", Certificates.OtherSiloPfx, $"--Tls:Password={Certificates.Password}", "--tls-ca", Certificates.CaPath);
        Assert.Equal(2, code);
        Assert.Matches(
            $"^profiles-silo: invalid configuration: Tls: the certificate {TestCertificates.OtherSiloSubject} \\(thumbprint [0-9A-F]{{40}}\\) does not chain to a certificate authority of "
            + $"{System.Text.RegularExpressions.Regex.Escape(Certificates.CaPath)} \\(Tls:CaPath, --tls-ca\\) \\(PartialChain\\); other silos and agents would refuse it\\.\n$",
            errors);
    }

    /// <summary>Starts a silo that is expected to refuse its settings; returns its exit code and output.</summary>
    private static async Task<(int Code, string Output, string Errors)> RunFailingSiloAsync(params string[] args)
    {
        using var data = new TempDirectory("tls-bad-silo");
        await using var silo = ChildProcess.Start(Programs.SiloPath, [
            "--data", data.Path, "--silo-port", $"{Programs.FreePort()}", "--gateway-port", $"{Programs.FreePort()}", "--health-port", $"{Programs.FreePort()}", .. args]);
        var code = await silo.WaitForExitAsync();
        return (code, silo.StandardOutput, silo.StandardError);
    }
}
