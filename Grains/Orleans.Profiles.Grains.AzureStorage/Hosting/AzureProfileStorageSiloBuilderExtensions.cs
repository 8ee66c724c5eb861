using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Profiles.AzureStorage;
using Orleans.Profiles.Storage;

namespace Orleans.Hosting;

public static class AzureProfileStorageSiloBuilderExtensions
{
    /// <summary>
    /// The azure storage mode: packs as block blobs and manifests as blobs, grain state through
    /// Orleans' Azure blob grain storage (ETag concurrency), membership in an Azure table.
    /// </summary>
    public static ISiloBuilder UseAzureProfileStorage(this ISiloBuilder builder, AzureStorageOptions options)
    {
        var validation = new AzureStorageOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(AzureStorageOptions), typeof(AzureStorageOptions), validation.Failures);
        }

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.TryAddSingleton<ProfileBlobContainer>();
        builder.Services.AddSingleton<IPackStore, AzurePackStore>();
        builder.Services.AddSingleton<IManifestStore, AzureManifestStore>();
        builder.Services.AddSingleton<IStorageProbe, AzureStorageProbe>();
        builder.Services.AddSingleton<IStorageFaults, AzureStorageFaults>();
        builder.AddAzureBlobGrainStorage(ProfileStorageNames.GrainState, o =>
        {
            o.BlobServiceClient = options.CreateBlobServiceClient();
            o.ContainerName = options.StateContainer;
        });
        builder.TranslateGrainStorageFaults(ProfileStorageNames.GrainState);
        builder.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = new TableServiceClient(options.ConnectionString);
            o.TableName = options.ClusteringTable;
        });
        return builder;
    }
}
