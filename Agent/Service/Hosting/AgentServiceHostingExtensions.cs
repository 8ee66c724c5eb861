using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.WindowsServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.EventLog;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Agent.Cli;
using Orleans.Profiles.Agent.Service.Windows;
using Orleans.Profiles.Sync;
using Serilog;

namespace Orleans.Profiles.Agent.Service.Hosting;

public static class AgentServiceHostingExtensions
{
    /// <summary>
    /// The workstation service: its configuration from <paramref name="configFile"/> (checked at start), the
    /// Windows service lifetime, logs to the Event Log and a rolling file, and the logoff and sweep pushes.
    /// </summary>
    public static IHostApplicationBuilder AddProfilesAgentService(this IHostApplicationBuilder builder, string configFile)
    {
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        builder.Services.AddOptions<AgentServiceOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentServiceOptions>, AgentServiceOptionsValidator>();
        var settings = builder.Configuration.Get<AgentServiceOptions>() ?? new AgentServiceOptions();

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Services.AddWindowsService(o => o.ServiceName = AgentServiceOptions.ServiceName);
        builder.AddServiceLogging(settings);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LogoffQueue>();
        builder.Services.AddSingleton<SessionTracker>();
        builder.Services.AddSingleton<RoamingUsers>();
        builder.Services.AddSingleton<IHiveAccess, HiveAccess>();
        builder.Services.AddSingleton(sp => new ServiceActivity(AgentServicePaths.ActivityFile(sp.GetRequiredService<IOptions<AgentServiceOptions>>().Value.StateDirectory)));
        if (OperatingSystem.IsWindows())
        {
            builder.Services.AddSingleton<IProfileList, WindowsProfileList>();
            builder.Services.AddSingleton<ILoggedOnUsers, WtsSessions>();
            if (WindowsServiceHelpers.IsWindowsService())
            {
                builder.Services.AddSingleton<IHostLifetime, ProfilesServiceLifetime>();
            }
        }
        else
        {
            builder.Services.AddSingleton<IProfileList, NoProfileList>();
            builder.Services.AddSingleton<ILoggedOnUsers, NoSessions>();
        }

        builder.Services.AddSingleton(sp => SyncOptions(sp.GetRequiredService<IOptions<AgentServiceOptions>>().Value));
        builder.Services.AddSingleton(sp => new StoreConnection(sp.GetRequiredService<ProfileSyncOptions>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ProfileSyncClient>();
        builder.Services.AddSingleton<IProfileStoreClient, StoreClient>();
        builder.Services.AddSingleton<PrefetchQueue>();
        builder.Services.AddSingleton<AgentMetrics>();

        // Hosted services stop in reverse order: the pusher, registered first, stops last and lets a push finish.
        builder.Services.AddSingleton<ProfilePusher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProfilePusher>());
        builder.Services.AddSingleton<ProfileSweepService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProfileSweepService>());
        builder.Services.AddHostedService<LogoffPushService>();
        builder.Services.AddHostedService<ProfilePrefetchService>();
        builder.Services.AddHostedService<CommitNotifications>();
        builder.Services.AddHostedService<ServiceAnnouncer>();
        return builder;
    }

    /// <summary>What a push needs to reach the store, from the service's configuration.</summary>
    public static ProfileSyncOptions SyncOptions(AgentServiceOptions settings) => new()
    {
        Gateways = [.. settings.Gateways.Select(AgentOptions.ParseGateway)],
        ClusterId = settings.ClusterId,
        ServiceId = settings.ClusterId,
        Machine = settings.Machine,
        StateDirectory = settings.StateDirectory,
        Token = settings.TokenFile is { } file ? File.ReadAllText(file).Trim() : null,
        Tls = AgentTlsOptions.For(tls: false, settings.TlsCa, settings.Gateways),
        Filter = ProfileFilter.Create(settings.Exclude, settings.Include),
    };

    private static void AddServiceLogging(this IHostApplicationBuilder builder, AgentServiceOptions settings)
    {
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Profiles", LogLevel.Information);
        // The sync library's own "pushed" line says what event 1200 says; its warnings (retries, a restarted upload) stay.
        builder.Logging.AddFilter("Orleans.Profiles.Sync", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        if (OperatingSystem.IsWindows())
        {
            builder.Logging.AddEventLog(new EventLogSettings { SourceName = AgentServiceOptions.EventLogSource, LogName = "Application" });
        }

        if (!WindowsServiceHelpers.IsWindowsService())
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        // The file keeps what an Event Log viewer cannot be asked for remotely (and what Wine's Event Log drops).
        // Serilog's provider takes every level from the host's filters, so its own minimums say the same.
        var file = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Orleans", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Orleans.Profiles", Serilog.Events.LogEventLevel.Information)
            .MinimumLevel.Override("Orleans.Profiles.Sync", Serilog.Events.LogEventLevel.Warning)
            .Enrich.With<EventNumberEnricher>()
            .WriteTo.File(
                Path.Combine(settings.LogDirectory, "agent-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                fileSizeLimitBytes: 16 * 1024 * 1024,
                rollOnFileSizeLimit: true,
                flushToDiskInterval: TimeSpan.FromSeconds(1),
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {EventNumber} {Message:l}{NewLine}{Exception}")
            .CreateLogger();
        builder.Logging.AddSerilog(file, dispose: true);
    }
}
