using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Clustering.AzureStorage;
using Orleans.Configuration;
using Orleans.Profiles.AzureStorage;
using Orleans.Profiles.Storage;

namespace Orleans.Hosting;

public static class AzureProfileStorageSiloBuilderExtensions
{
    /// <summary>
    /// The azure storage mode: packs as block blobs and manifests as blobs, grain state through
    /// Orleans' Azure blob grain storage (ETag concurrency), membership in an Azure table.
    /// </summary>
    public static ISiloBuilder UseAzureProfileStorage(this ISiloBuilder builder, Action<AzureStorageOptions> configureOptions)
        => builder.UseAzureProfileStorage(options => options.Configure(configureOptions));

    /// <summary>The azure storage mode, its options validated when the silo starts.</summary>
    public static ISiloBuilder UseAzureProfileStorage(this ISiloBuilder builder, Action<OptionsBuilder<AzureStorageOptions>> configureOptions)
    {
        configureOptions(builder.Services.AddOptions<AzureStorageOptions>());
        builder.Services.AddOptionsWithValidateOnStart<AzureStorageOptions>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureStorageOptions>, AzureStorageOptionsValidator>());
        builder.Services.TryAddSingleton<ProfileBlobContainer>();
        builder.Services.AddSingleton<IPackStore, AzurePackStore>();
        builder.Services.AddSingleton<IManifestStore, AzureManifestStore>();
        builder.Services.AddSingleton<IProfileEraser, AzureProfileEraser>();
        builder.Services.AddSingleton<IStorageProbe, AzureStorageProbe>();
        builder.Services.AddSingleton<IStorageFaults, AzureStorageFaults>();

        // Grain state and membership take their clients from the same options, so one section configures the mode.
        builder.AddAzureBlobGrainStorage(ProfileStorageNames.GrainState, (OptionsBuilder<AzureBlobStorageOptions> blob) => blob.Configure<IOptions<AzureStorageOptions>>((o, azure) =>
        {
            o.BlobServiceClient = azure.Value.CreateBlobServiceClient();
            o.ContainerName = azure.Value.StateContainer;

            // An admin delete clears a profile's state: the blob goes, not an empty state in it.
            o.DeleteStateOnClear = true;
        }));
        builder.TranslateGrainStorageFaults(ProfileStorageNames.GrainState);
        builder.UseAzureStorageClustering((OptionsBuilder<AzureStorageClusteringOptions> table) => table.Configure<IOptions<AzureStorageOptions>>((o, azure) =>
        {
            o.TableServiceClient = azure.Value.CreateTableServiceClient();
            o.TableName = azure.Value.ClusteringTable;
        }));
        return builder;
    }
}
