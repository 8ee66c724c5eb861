using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
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
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables("PROFILES_");
builder.Configuration.AddCommandLine(CommandLine.ExpandFlags(args), CommandLine.Switches);
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});

builder.Services.AddOptionsWithValidateOnStart<SiloHostOptions>().BindConfiguration(SiloHostOptions.Section);
builder.Services.AddSingleton<IValidateOptions<SiloHostOptions>, SiloHostOptionsValidator>();
var silo = builder.Configuration.GetSection(SiloHostOptions.Section).Get<SiloHostOptions>() ?? new SiloHostOptions();
var health = builder.Configuration.GetSection(HealthOptions.Section).Get<HealthOptions>() ?? new HealthOptions();
var dashboard = builder.Configuration.GetSection(SiloDashboardOptions.Section).Get<SiloDashboardOptions>() ?? new SiloDashboardOptions();
var mode = builder.Configuration[$"{StorageModeOptions.Section}:Mode"] ?? StorageModeOptions.LocalMode;

try
{
    builder.UseOrleans(orleans => orleans.UseConfiguredProfileStore(builder.Configuration, silo));
    builder.Services.AddProfileSiloTelemetry();
    builder.ListenForHealth(health, silo, dashboard);

    await using var app = builder.Build();
    app.MapProfileSiloEndpoints(dashboard);
    app.Lifetime.ApplicationStarted.Register(() =>
    {
        var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var where = mode == StorageModeOptions.LocalMode
            ? app.Services.GetRequiredService<IOptions<LocalStorageOptions>>().Value.FullDataDirectory
            : $"Azure storage, cluster {silo.ClusterId}";
        if (app.Services.GetRequiredService<IOptions<Orleans.Profiles.Security.ProfileAuthenticationOptions>>().Value.IsConfigured)
        {
            app.Logger.LogInformation("Authentication on: every call needs a valid token");
        }
        else
        {
            app.Logger.LogWarning("Authentication off (no --token-key-file): any local process can reach any profile; this mode serves loopback only");
        }

        app.Logger.LogInformation("Orleans.Profiles silo ready: gateway port {GatewayPort}, silo port {SiloPort}, storage {Mode} in {Where}, health {Health}",
            silo.GatewayPort, silo.SiloPort, mode, where, string.Join(" ", urls));
    });

    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine($"profiles-silo: invalid configuration: {string.Join(" ", ex.Failures)}");
    return 2;
}
