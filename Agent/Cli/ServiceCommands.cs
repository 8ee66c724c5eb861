using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Agent.Service;
using Orleans.Profiles.Agent.Service.Hosting;
using Orleans.Profiles.Agent.Service.Windows;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Cli;

/// <summary><c>service run|install|uninstall|status</c>: the agent as a LocalSystem Windows service that pushes at logoff.</summary>
public static class ServiceCommands
{
    private static readonly Option<string> Config = new("--config")
    {
        Description = @"The service's configuration (default %ProgramData%\Orleans.Profiles\agent.json); its folder also holds the state and logs",
        HelpName = "FILE",
        Recursive = true,
    };

    public static Command Build()
    {
        var service = new Command("service", "Run the agent as a Windows service (OrleansProfilesAgent) that pushes each roaming profile at logoff, once its hive is unloaded")
        {
            Config,
        };
        service.Subcommands.Add(Run());
        service.Subcommands.Add(Install());
        service.Subcommands.Add(Uninstall());
        service.Subcommands.Add(Status());
        return service;
    }

    private static AgentServicePaths PathsOf(ParseResult parse)
        => parse.GetValue(Config) is { } file ? new AgentServicePaths(Path.GetDirectoryName(Path.GetFullPath(file))!) : AgentServicePaths.Default;

    private static Command Run()
    {
        var command = new Command("run", "Run the service (the service control manager starts this; it also runs in a console to try a configuration)");
        command.SetAction(async (parse, ct) =>
        {
            var paths = PathsOf(parse);
            try
            {
                ServiceInstaller.Load(paths.ConfigFile);
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, DisableDefaults = true });
                builder.AddProfilesAgentService(paths.ConfigFile);
                using var host = builder.Build();
                await host.RunAsync(ct);
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is OptionsValidationException or FileNotFoundException or InvalidDataException or FormatException or ArgumentException)
            {
                Console.Error.WriteLine($"profiles-agent: error: {Describe(ex)}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    private static Command Install()
    {
        var users = new Option<string[]>("--user") { Description = @"A roaming user and the profile folder: CONTOSO\alice=C:\Users\alice (repeat it)", HelpName = "ACCOUNT=FOLDER", AllowMultipleArgumentsPerToken = false };
        var sweep = new Option<string>("--sweep-interval") { Description = "How often users not logged on are checked for changes and pushed (default 5m)", HelpName = "DURATION" };
        var unload = new Option<string>("--unload-timeout") { Description = "How long a logoff waits for the hive to unload (default 2m)", HelpName = "DURATION" };
        var machine = new Option<string>("--machine") { Description = "This workstation's name in history (default: the host name)", HelpName = "NAME" };
        var discover = new Option<bool>("--discover-domain-users") { Description = "Also roam the domain accounts with a profile on this machine (the registry's ProfileList)" };
        var pattern = new Option<string>("--account-pattern") { Description = @"Only discovered accounts matching this wildcard roam, e.g. CONTOSO\*", HelpName = "PATTERN" };
        var exclude = new Option<string[]>("--exclude") { Description = @"Also leave these profile paths on the machine (wildcards, e.g. AppData\Roaming\Big\*.iso)", HelpName = "PATTERN" };
        var include = new Option<string[]>("--include") { Description = "Roam these paths even where an exclusion matches", HelpName = "PATTERN" };
        var sids = new Option<string[]>("--user-sid") { Description = @"A configured user's SID, so a first logon here adopts the pre-staged folder: CONTOSO\alice=S-1-5-21-… (default: looked up from the domain)", HelpName = "ACCOUNT=SID" };
        var check = new Option<string>("--check-interval") { Description = "How often each user's current snapshot is asked for, catching a lost commit notification (default 5m)", HelpName = "DURATION" };
        var resubscribe = new Option<string>("--resubscribe-interval") { Description = "How often commit subscriptions are renewed (default 2m)", HelpName = "DURATION" };
        var noPrefetch = new Option<bool>("--no-prefetch") { Description = "Do not fetch each user's newest snapshot before they log on here (stale logons are still warned about)" };
        var command = new Command("install", "Write the service's configuration and register it (automatic start, LocalSystem, restart on failure) with an Event Log source")
        {
            users, sids, sweep, unload, check, resubscribe, noPrefetch, machine, discover, pattern, exclude, include,
        };
        command.SetAction(parse =>
        {
            var paths = PathsOf(parse);
            try
            {
                var options = new AgentServiceOptions
                {
                    Gateways = [.. parse.GetValue(AgentOptions.Gateway) ?? []],
                    ClusterId = parse.GetRequiredValue(AgentOptions.ClusterId),
                    Machine = parse.GetValue(machine) ?? Environment.MachineName,
                    TokenFile = parse.GetValue(AgentOptions.TokenFile),
                    TlsCa = parse.GetValue(AgentTlsOptions.TlsCa) is { } ca ? Path.GetFullPath(ca) : null,
                    SweepInterval = parse.GetValue(sweep) is { } s ? TokenCommands.ParseDuration(s) : AgentServiceOptions.DefaultSweepInterval,
                    UnloadTimeout = parse.GetValue(unload) is { } u ? TokenCommands.ParseDuration(u) : AgentServiceOptions.DefaultUnloadTimeout,
                    CheckInterval = parse.GetValue(check) is { } c ? TokenCommands.ParseDuration(c) : AgentServiceOptions.DefaultCheckInterval,
                    ResubscribeInterval = parse.GetValue(resubscribe) is { } r ? TokenCommands.ParseDuration(r) : AgentServiceOptions.DefaultResubscribeInterval,
                    Prefetch = !parse.GetValue(noPrefetch),
                    Users = RoamingUserOptions.ParseAll(parse.GetValue(users) ?? [], parse.GetValue(sids) ?? []),
                    DiscoverDomainUsers = parse.GetValue(discover),
                    AccountPattern = parse.GetValue(pattern),
                    Exclude = [.. parse.GetValue(exclude) ?? []],
                    Include = [.. parse.GetValue(include) ?? []],
                    StateDirectory = paths.StateDirectory,
                    LogDirectory = paths.LogDirectory,
                };
                var (written, warnings) = new ServiceInstaller(paths, Registrar()).Install(options, Environment.ProcessPath!);
                foreach (var warning in warnings)
                {
                    Console.Error.WriteLine($"profiles-agent: warning: {warning}");
                }

                Console.Out.WriteLine($"{AgentServiceOptions.ServiceName} installed (automatic start, LocalSystem); configuration in {written}; start it with 'net start {AgentServiceOptions.ServiceName}'.");
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException or ServiceRegistrationException or PlatformNotSupportedException or System.ComponentModel.Win32Exception)
            {
                Console.Error.WriteLine($"profiles-agent: error: {Describe(ex)}");
                return ex is ServiceRegistrationException or System.ComponentModel.Win32Exception or UnauthorizedAccessException ? ExitCodes.Failure : ExitCodes.BadInput;
            }
        });
        return command;
    }

    private static Command Uninstall()
    {
        var command = new Command("uninstall", "Stop and remove the service and its Event Log source (the configuration, state and logs stay)");
        command.SetAction(parse =>
        {
            try
            {
                var removed = Registrar().Uninstall();
                Console.Out.WriteLine(removed ? $"{AgentServiceOptions.ServiceName} removed; {PathsOf(parse).Root} is kept." : $"{AgentServiceOptions.ServiceName} is not installed.");
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is ServiceRegistrationException or PlatformNotSupportedException or System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                Console.Error.WriteLine($"profiles-agent: error: {Describe(ex)}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "List each roaming user of this machine with the last push, the last pull and anything pending");
        command.SetAction(async (parse, ct) =>
        {
            var output = new ConsoleOutput(parse.GetValue(AgentOptions.Json));
            try
            {
                var paths = PathsOf(parse);
                var options = ServiceInstaller.Load(paths.ConfigFile);
                var report = await ServiceStatusReport.ReadAsync(options, OperatingSystem.IsWindows() ? Registrar().State() : null, ct);
                output.Result(report, report.ToText());
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is OptionsValidationException or FileNotFoundException or InvalidDataException or FormatException or ArgumentException or IOException)
            {
                output.Error(ExitCodes.BadInput, Describe(ex));
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    private static IServiceRegistrar Registrar()
        => OperatingSystem.IsWindows() ? new ServiceControlManager() : throw new PlatformNotSupportedException("a Windows service can only be installed on Windows.");

    private static string Describe(Exception ex) => ex switch
    {
        OptionsValidationException validation => "the service configuration is not valid: " + string.Join(" ", validation.Failures),
        _ => ex.Message,
    };
}
