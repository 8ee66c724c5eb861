using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Profiles.AzureStorage;
using Orleans.Profiles.Local;
using Orleans.Profiles.Security;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>How <c>Program.cs</c> turns configuration into a silo: storage mode, endpoints, health, metrics, dashboard.</summary>
public static class ProfileSiloHostingExtensions
{
    public const string AzureConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>Adds the profile store to the silo in the configured storage mode.</summary>
    public static ISiloBuilder UseConfiguredProfileStore(this ISiloBuilder orleans, SiloSettings settings)
    {
        var silo = settings.Silo;
        // Sections Store, Auth and Membership are bound by AddSiloSettings.
        orleans.AddProfileStore();
        if (!settings.Auth.IsConfigured && (silo.ListenOnAnyAddress || !IPAddress.IsLoopback(settings.AdvertisedAddress)))
        {
            throw new OptionsValidationException(ProfileAuthenticationOptions.Section, typeof(ProfileAuthenticationOptions),
                ["Without token keys (--token-key-file, Auth:JwksFile or Auth:Authority) the silo serves loopback only: configure authentication to listen beyond it."]);
        }

        switch (settings.Storage.Mode)
        {
            case StorageMode.Local:
                // One silo on loopback: no membership table to run, nothing to reach over the network.
                orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
                orleans.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
                orleans.UseLocalProfileStorage((OptionsBuilder<LocalStorageOptions> local) => local.Bind(settings.Section(StorageModeOptions.Section)));
                break;
            case StorageMode.Azure:
                orleans.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = silo.ClusterId;
                    o.ServiceId = silo.ServiceId;
                });
                orleans.ConfigureEndpoints(settings.AdvertisedAddress, silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: silo.ListenOnAnyAddress);
                orleans.UseAzureProfileStorage((OptionsBuilder<AzureStorageOptions> azure) => azure
                    .Bind(settings.Section(SiloSettingsHostingExtensions.AzureSection))
                    .PostConfigure(o => o.ConnectionString = string.IsNullOrWhiteSpace(o.ConnectionString) && o.ServiceUri is null && o.TableServiceUri is null
                        ? Environment.GetEnvironmentVariable(AzureConnectionStringVariable) // the variable is for key mode only: service URIs mean Entra ID
                        : o.ConnectionString));
                if (string.Equals(Environment.GetEnvironmentVariable("ORLEANS_KUBERNETES_HOSTING"), "true", StringComparison.OrdinalIgnoreCase))
                {
                    orleans.UseKubernetesHosting();
                }

                break;
            default:
                // StorageModeOptionsValidator has refused it already.
                throw new OptionsValidationException(StorageModeOptions.Section, typeof(StorageModeOptions), [EnumSettings.NotOneOf("Storage:Mode", settings.Storage.Mode.ToString(), typeof(StorageMode))]);
        }

        if (silo.GatewayListenPort != 0 && silo.GatewayListenPort != silo.GatewayPort)
        {
            // Advertise GatewayPort (what agents dial, e.g. a proxy), bind GatewayListenPort.
            orleans.Configure<EndpointOptions>(o => o.GatewayListeningEndpoint = new IPEndPoint(silo.ListenOnAnyAddress ? IPAddress.Any : o.AdvertisedIPAddress, silo.GatewayListenPort));
        }

        if (settings.Dashboard.Enabled)
        {
            orleans.AddDashboard();
        }

        orleans.UseConfiguredTls(settings.Tls);
        return orleans;
    }

    /// <summary>Health checks and OpenTelemetry metrics (the store's meter and Orleans' own), exported for Prometheus.</summary>
    public static IServiceCollection AddProfileSiloTelemetry(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo", tags: [SiloReadinessCheck.Tag], timeout: SiloReadinessCheck.Timeout);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Orleans.Profiles.Telemetry.ProfileStoreMetrics.MeterName, "Microsoft.Orleans")
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Binds the HTTP endpoint (loopback unless told otherwise) and the dashboard's port when enabled.</summary>
    public static void ListenForHealth(this WebApplicationBuilder builder, SiloSettings settings)
    {
        var (health, dashboard) = (settings.Health, settings.Dashboard);
        var address = settings.Silo.ListenOnAnyAddress ? IPAddress.Any : IPAddress.Parse(health.Address); // checked by HealthOptionsValidator
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, health.Port);
            if (dashboard.Enabled)
            {
                kestrel.Listen(address, dashboard.Port);
            }
        });
    }

    public static void MapProfileSiloEndpoints(this WebApplication app, SiloDashboardOptions dashboard)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(SiloReadinessCheck.Tag) });
        app.MapPrometheusScrapingEndpoint("/metrics");
        if (dashboard.Enabled)
        {
            app.MapOrleansDashboard().RequireHost($"*:{dashboard.Port}");
        }
    }
}
