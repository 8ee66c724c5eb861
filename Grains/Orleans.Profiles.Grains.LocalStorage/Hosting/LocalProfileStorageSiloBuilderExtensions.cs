using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Local;
using Orleans.Profiles.Storage;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Orleans.Hosting;

public static class LocalProfileStorageSiloBuilderExtensions
{
    /// <summary>The local storage mode: grain state, packs and manifests as files under one data folder.</summary>
    public static ISiloBuilder UseLocalProfileStorage(this ISiloBuilder builder, Action<LocalStorageOptions> configureOptions)
        => builder.UseLocalProfileStorage(options => options.Configure(configureOptions));

    /// <summary>The local storage mode, its options validated when the silo starts.</summary>
    public static ISiloBuilder UseLocalProfileStorage(this ISiloBuilder builder, Action<OptionsBuilder<LocalStorageOptions>>? configureOptions = null)
    {
        configureOptions?.Invoke(builder.Services.AddOptions<LocalStorageOptions>());
        builder.Services.AddOptionsWithValidateOnStart<LocalStorageOptions>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalStorageOptions>, LocalStorageOptionsValidator>());
        builder.Services.AddSingleton<IPackStore, LocalPackStore>();
        builder.Services.AddSingleton<IManifestStore, LocalManifestStore>();
        builder.Services.AddSingleton<IProfileEraser, LocalProfileEraser>();
        builder.Services.AddSingleton<IStorageProbe, LocalStorageProbe>();
        builder.Services.AddSingleton<IStorageFaults, LocalStorageFaults>();
        builder.Services.AddGrainStorage(ProfileStorageNames.GrainState, static (services, name) =>
            (IGrainStorage)ActivatorUtilities.CreateInstance<LocalFileGrainStorage>(services, name));
        return builder.TranslateGrainStorageFaults(ProfileStorageNames.GrainState);
    }
}
