using Orleans.Profiles.Agent.Service;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Service;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ServiceInstallerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("install-").FullName;

    private AgentServicePaths Paths => new(Path.Combine(_root, "ProgramData", "Orleans.Profiles"));

    [Fact]
    public void Install_writes_the_configuration_the_service_reads_copies_the_token_and_registers_the_service()
    {
        var token = Path.Combine(_root, "ws042.token");
        File.WriteAllText(token, "eyJ.machine.token\n");
        var registrar = new RecordingRegistrar();
        var options = new AgentServiceOptions
        {
            Gateways = ["silo1.contoso.com:30000", "10.0.0.2:30000"],
            Machine = "WS042",
            TokenFile = token,
            SweepInterval = TimeSpan.FromMinutes(10),
            Users = [RoamingUserOptions.Parse(@"CONTOSO\alice=C:\Users\alice")],
            Exclude = [@"AppData\Roaming\Big\*.iso"],
            StateDirectory = Paths.StateDirectory,
            LogDirectory = Paths.LogDirectory,
        };

        var (written, warnings) = new ServiceInstaller(Paths, registrar).Install(options, @"C:\Program Files\Orleans.Profiles\profiles-agent.exe");

        Assert.Equal(Paths.ConfigFile, written);
        Assert.Empty(warnings);
        var read = ServiceInstaller.Load(written);
        Assert.Equal(["silo1.contoso.com:30000", "10.0.0.2:30000"], read.Gateways);
        Assert.Equal(("WS042", TimeSpan.FromMinutes(10), AgentServiceOptions.DefaultUnloadTimeout), (read.Machine, read.SweepInterval, read.UnloadTimeout));
        Assert.Equal([@"AppData\Roaming\Big\*.iso"], read.Exclude);
        Assert.Equal([(@"CONTOSO\alice", @"C:\Users\alice")], read.Users.Select(u => (u.Account, u.Folder)));
        Assert.Equal(Path.Combine(Paths.Root, ServiceInstaller.TokenFileName), read.TokenFile);
        Assert.Equal("eyJ.machine.token", File.ReadAllText(read.TokenFile!));
        Assert.Equal(
            ($"\"C:\\Program Files\\Orleans.Profiles\\profiles-agent.exe\" service run --config \"{Paths.ConfigFile}\"", AgentServiceOptions.DefaultShutdownTimeout),
            registrar.Installed.Single());
    }

    [Theory]
    [InlineData("", @"CONTOSO\alice=C:\Users\alice", "Gateways: give at least one HOST:PORT (service install --gateway).")]
    [InlineData("silo1:http", @"CONTOSO\alice=C:\Users\alice", "Gateways: \"silo1:http\" is not HOST:PORT.")]
    [InlineData("silo1:30000", null, "Users: no one roams: give --user ACCOUNT=FOLDER or --discover-domain-users.")]
    [InlineData("silo1:30000", @"contoso\\alice=C:\Users\alice", "Users: \"contoso\\\\alice\" is not an account name (DOMAIN\\user, user@domain or user).")]
    public void A_configuration_the_service_would_refuse_is_refused_before_anything_is_written(string gateway, string? user, string problem)
    {
        var registrar = new RecordingRegistrar();
        var options = new AgentServiceOptions
        {
            Gateways = gateway.Length == 0 ? [] : [gateway],
            Users = user is null ? [] : [RoamingUserOptions.Parse(user)],
        };

        var error = Assert.Throws<ArgumentException>(() => new ServiceInstaller(Paths, registrar).Install(options, "profiles-agent.exe"));

        Assert.Equal(problem, error.Message);
        Assert.False(Directory.Exists(Paths.Root));
        Assert.Empty(registrar.Installed);
    }

    [Theory]
    [InlineData(@"CONTOSO\alice")]
    [InlineData(@"=C:\Users\alice")]
    [InlineData(@"CONTOSO\alice=")]
    public void A_user_is_account_equals_folder(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => RoamingUserOptions.Parse(value));
        Assert.Equal($"--user \"{value}\" must be ACCOUNT=FOLDER, e.g. CONTOSO\\alice=C:\\Users\\alice.", error.Message);
    }

    [Fact]
    public void The_default_location_gives_the_service_no_config_argument()
        => Assert.Equal("\"C:\\a b\\profiles-agent.exe\" service run", ServiceInstaller.CommandLine(@"C:\a b\profiles-agent.exe", AgentServicePaths.Default));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed class RecordingRegistrar : IServiceRegistrar
    {
        public List<(string CommandLine, TimeSpan Preshutdown)> Installed { get; } = [];

        public IReadOnlyList<string> Install(string commandLine, TimeSpan preshutdownTimeout)
        {
            Installed.Add((commandLine, preshutdownTimeout));
            return [];
        }

        public bool Uninstall() => false;

        public string? State() => null;
    }
}
