using System.Net;
using System.Net.Sockets;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>
/// What an operator sees when a setting is wrong or a port is taken: the silo does not start, exits with code 2
/// and says in one line on stderr which setting to change (never a stack trace).
/// </summary>
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class SiloStartupErrorTests
{
    [Theory]
    [InlineData("--Store:DamagedHives=7", "Store:DamagedHives: '7' is not one of Refuse, AcceptAndMark.")]
    [InlineData("--Store:DamagedHives=Bogus", "Store:DamagedHives: 'Bogus' is not one of Refuse, AcceptAndMark.")]
    [InlineData("--Store:ConflictPolicy=3", "Store:ConflictPolicy: '3' is not one of NewestWins, KeepCurrent.")]
    [InlineData("--storage=disk", "Storage:Mode (--storage): 'disk' is not one of Local, Azure.")]
    [InlineData("--Tls:StoreLocation=Nowhere", "Tls:StoreLocation: 'Nowhere' is not one of CurrentUser, LocalMachine.")]
    [InlineData("--advertise-ip=not-an-ip", "Silo:AdvertisedAddress (--advertise-ip): 'not-an-ip' is not an IP address.")]
    [InlineData("--Health:Address=localhost", "Health:Address: 'localhost' is not an IP address.")]
    public async Task A_bad_setting_stops_the_silo_with_exit_code_2_and_one_line_naming_it(string setting, string expected)
    {
        var (code, output, errors) = await RunFailingSiloAsync([setting]);

        Assert.Equal(2, code);
        Assert.Equal($"profiles-silo: invalid configuration: {expected}\n", errors);
        Assert.DoesNotContain("silo ready", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_POD_IP_stops_the_silo_with_one_line_naming_it()
    {
        var (code, _, errors) = await RunFailingSiloAsync([], new Dictionary<string, string> { ["POD_IP"] = "10.0.0.300" });

        Assert.Equal(2, code);
        Assert.Equal("profiles-silo: invalid configuration: POD_IP: '10.0.0.300' is not an IP address (it is the address this silo advertises; --advertise-ip overrides it).\n", errors);
    }

    [Fact]
    public async Task The_storage_mode_is_one_mode_in_any_letter_case()
    {
        using var data = new TempDirectory("e2e-mode-case");
        await using var silo = await SiloProcess.StartAsync(data.Path, "--storage", "LOCAL");

        Assert.Contains($"storage local in {data.Path}", silo.Process.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--gateway-port", "Silo:GatewayPort (--gateway-port)")]
    [InlineData("--health-port", "Health:Port (--health-port)")]
    [InlineData("--silo-port", "Silo:SiloPort (--silo-port)")]
    [InlineData("--Dashboard:Port", "Dashboard:Port")]
    public async Task A_port_in_use_stops_the_silo_with_one_line_naming_the_port_and_the_setting(string option, string setting)
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;

        var (code, output, errors) = await RunFailingSiloAsync([$"{option}={port}", "--Dashboard:Enabled=true", $"--Dashboard:Port={(option == "--Dashboard:Port" ? port : Programs.FreePort())}"]);

        Assert.Equal(2, code);
        Assert.Equal($"profiles-silo: port {port} on 127.0.0.1 is already in use: set {setting} to a free port, or stop what listens there.\n", errors);
        Assert.DoesNotContain("silo ready", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_settings_on_one_port_stop_the_silo_with_one_line_naming_both()
    {
        var port = Programs.FreePort();

        var (code, _, errors) = await RunFailingSiloAsync(["--gateway-port", $"{port}", "--health-port", $"{port}"]);

        Assert.Equal(2, code);
        Assert.Equal($"profiles-silo: Silo:GatewayPort (--gateway-port) and Health:Port (--health-port) are set to the same port {port}: give each its own.\n", errors);
    }

    /// <summary>Starts a silo on free ports that is expected to refuse to start (later arguments win); returns its exit code and output.</summary>
    private static async Task<(int Code, string Output, string Errors)> RunFailingSiloAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var data = new TempDirectory("e2e-bad-silo");
        await using var silo = ChildProcess.Start(Programs.SiloPath, [
            "--data", data.Path, "--silo-port", $"{Programs.FreePort()}", "--gateway-port", $"{Programs.FreePort()}", "--health-port", $"{Programs.FreePort()}", .. args],
            environment: environment);
        var code = await silo.WaitForExitAsync();
        return (code, silo.StandardOutput, silo.StandardError);
    }
}
