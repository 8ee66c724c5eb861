using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Orleans.Profiles.AzureStorage;
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

SiloSettings? checkedSettings = null;
try
{
    var settings = checkedSettings = builder.AddSiloSettings();

    // Checked before anything binds, so a taken port is named rather than a stack trace from deep inside Orleans or Kestrel.
    if (SiloPorts.FindBusy(settings) is { } taken)
    {
        Console.Error.WriteLine($"profiles-silo: {taken}");
        return 2;
    }

    var (silo, mode) = (settings.Silo, settings.Storage.Mode);
    builder.UseOrleans(orleans => orleans.UseConfiguredProfileStore(settings));
    builder.Services.AddProfileSiloTelemetry();
    builder.ListenForHealth(settings);

    await using var app = builder.Build();
    app.MapProfileSiloEndpoints(settings.Dashboard);
    app.Lifetime.ApplicationStarted.Register(() =>
    {
        var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var where = mode == StorageMode.Local
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
            silo.GatewayPort, silo.SiloPort, settings.Storage.ModeName, where, string.Join(" ", urls));
    });

    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine($"profiles-silo: invalid configuration: {string.Join(" ", ex.Failures)}");
    return 2;
}
catch (Exception ex) when (AzureStorageRefusal.Describe(ex) is { } refusal)
{
    Console.Error.WriteLine($"profiles-silo: {refusal}");
    return 2;
}
catch (Exception ex) when (SiloPorts.IsAddressInUse(ex))
{
    // Taken between the check and the bind: find which port now (the host is disposed, its own ports are free again).
    var busy = checkedSettings is null ? null : SiloPorts.FindBusy(checkedSettings);
    Console.Error.WriteLine($"profiles-silo: {busy ?? $"a port is already in use: {ex.Message.Split('\n')[0].Trim()}"}");
    return 2;
}
