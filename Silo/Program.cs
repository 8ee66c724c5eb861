using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Profiles;
using Orleans.Profiles.Local;
using Orleans.Profiles.Silo.Hosting;

if (args.Any(a => a is "--help" or "-h" or "-?"))
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

if (CommandLine.FindUnknown(args) is { } unknown)
{
    Console.Error.WriteLine($"profiles-silo: unknown option '{unknown}'.");
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

// appsettings.json ships beside the program; the data folder stays relative to the working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables("PROFILES_");
builder.Configuration.AddCommandLine(args, CommandLine.Switches);
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});

builder.Services.AddOptionsWithValidateOnStart<SiloHostOptions>().BindConfiguration(SiloHostOptions.Section);
builder.Services.AddSingleton<IValidateOptions<SiloHostOptions>, SiloHostOptionsValidator>();
var silo = builder.Configuration.GetSection(SiloHostOptions.Section).Get<SiloHostOptions>() ?? new SiloHostOptions();
var storage = builder.Configuration.GetSection(StorageModeOptions.Section).Get<StorageModeOptions>() ?? new StorageModeOptions();

builder.UseOrleans(orleans =>
{
    orleans.AddProfileStore(o => builder.Configuration.GetSection("Store").Bind(o));
    switch (storage.Mode.ToLowerInvariant())
    {
        case StorageModeOptions.LocalMode:
            // One silo on loopback: no membership table to run, nothing to reach over the network.
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            orleans.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
            orleans.UseLocalProfileStorage(o => builder.Configuration.GetSection(StorageModeOptions.Section).Bind(o));
            break;
        default:
            throw new OptionsValidationException(StorageModeOptions.Section, typeof(StorageModeOptions), [$"Unknown storage mode '{storage.Mode}' (--storage): use 'local'."]);
    }
});

using var host = builder.Build();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.Profiles.Silo");
lifetime.ApplicationStarted.Register(() =>
{
    var data = host.Services.GetRequiredService<IOptions<LocalStorageOptions>>().Value.FullDataDirectory;
    logger.LogInformation("Orleans.Profiles silo ready: gateway 127.0.0.1:{GatewayPort}, silo port {SiloPort}, storage {Mode} in {DataDirectory}",
        silo.GatewayPort, silo.SiloPort, storage.Mode, data);
});

try
{
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine($"profiles-silo: invalid configuration: {string.Join(" ", ex.Failures)}");
    return 2;
}
