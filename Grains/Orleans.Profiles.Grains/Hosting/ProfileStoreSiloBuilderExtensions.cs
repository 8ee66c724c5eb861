using Orleans.Profiles.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Profiles;
using Orleans.Profiles.Security;
using Orleans.Profiles.Storage;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Orleans.Hosting;

public static class ProfileStoreSiloBuilderExtensions
{
    /// <summary>Adds the profile grains' options; pair it with a storage mode such as <c>UseLocalProfileStorage</c>.</summary>
    public static ISiloBuilder AddProfileStore(this ISiloBuilder builder, Action<ProfileStoreOptions>? configure = null)
    {
        var options = builder.Services.AddOptionsWithValidateOnStart<ProfileStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProfileStoreOptions>, ProfileStoreOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<ProfileStoreMetrics>();

        // Every profile grain call is authorised (deny by default), whether or not tokens are configured.
        builder.Services.AddOptionsWithValidateOnStart<ProfileAuthenticationOptions>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProfileAuthenticationOptions>, ProfileAuthenticationOptionsValidator>());
        builder.Services.TryAddSingleton<ProfileTokenValidator>();
        builder.AddIncomingGrainCallFilter<ProfileAuthorizationFilter>();

        // Inside authorisation: a storage failure reaches the caller typed and retryable (the storage mode says what one is).
        builder.AddIncomingGrainCallFilter<StorageFaultFilter>();
        return builder;
    }

    /// <summary>Requires a valid token on every call (see <see cref="ProfileAuthenticationOptions"/>).</summary>
    public static ISiloBuilder AddProfileAuthentication(this ISiloBuilder builder, Action<ProfileAuthenticationOptions> configure)
    {
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Wraps the grain storage registered as <paramref name="name"/> in a <see cref="FaultTranslatingGrainStorage"/>;
    /// call it after registering that storage, with the mode's <see cref="IStorageFaults"/> registered.
    /// </summary>
    public static ISiloBuilder TranslateGrainStorageFaults(this ISiloBuilder builder, string name)
    {
        // Orleans' AddGrainStorage registers every grain storage as a keyed factory.
        var services = builder.Services;
        var inner = services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name));
        var factory = inner.KeyedImplementationFactory ?? throw new InvalidOperationException($"The grain storage '{name}' is not registered by a factory.");
        services[services.IndexOf(inner)] = ServiceDescriptor.KeyedSingleton<IGrainStorage>(name, (sp, key) => new FaultTranslatingGrainStorage(
            (IGrainStorage)factory(sp, key),
            sp.GetRequiredService<IStorageFaults>(),
            sp.GetRequiredService<ProfileStoreMetrics>(),
            sp.GetRequiredService<ILogger<FaultTranslatingGrainStorage>>()));
        return builder;
    }
}
