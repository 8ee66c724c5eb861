using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Orleans.Profiles.AzureStorage;

/// <summary>The azure storage mode (configuration section <c>Storage:Azure</c>).</summary>
public sealed class AzureStorageOptions
{
    public const string DefaultContainer = "orleans-profiles";
    public const string DefaultStateContainer = "orleans-profiles-state";
    public const string DefaultClusteringTable = "OrleansProfilesSilos";
    public const int DefaultMaxRetries = 2;
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(3);

    public const AzureStorageCredential DefaultCredential = AzureStorageCredential.Default;

    private TokenCredential? _tokenCredential;

    /// <summary>The storage account's connection string (an account key: Azurite and development); a secret, never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Instead of a connection string: the account's blob endpoint (<c>https://ACCOUNT.blob.core.windows.net</c>),
    /// reached with an Entra ID token from <see cref="Credential"/>, so no account key exists anywhere.
    /// </summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>With <see cref="ServiceUri"/>: the account's table endpoint (<c>https://ACCOUNT.table.core.windows.net</c>), for membership.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>With <see cref="ServiceUri"/>: which Entra ID credential gets the tokens.</summary>
    public AzureStorageCredential Credential { get; set; } = DefaultCredential;

    /// <summary>
    /// With <see cref="ServiceUri"/>: the client id of a user-assigned managed identity or of the workload identity's
    /// application (default: system-assigned, or <c>AZURE_CLIENT_ID</c> as the workload identity webhook sets it).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The blob container of packs and manifests.</summary>
    public string Container { get; set; } = DefaultContainer;

    /// <summary>The blob container of grain state.</summary>
    public string StateContainer { get; set; } = DefaultStateContainer;

    /// <summary>The table silos use for membership.</summary>
    public string ClusteringTable { get; set; } = DefaultClusteringTable;

    /// <summary>
    /// Retries of a failed blob request. An agent waits for each call (15 s by default), so the silo gives up
    /// before that and answers "storage unavailable"; the agent then retries the whole call, which is
    /// idempotent. (The SDK's defaults would keep a caller waiting about 25 s on a refused connection, and
    /// minutes on storage that hangs.)
    /// </summary>
    public int MaxRetries { get; set; } = DefaultMaxRetries;

    /// <summary>The wait before the first retry; it doubles with each retry, up to ten times this.</summary>
    public TimeSpan RetryDelay { get; set; } = DefaultRetryDelay;

    /// <summary>
    /// How long one try of a blob request (at most one chunk batch, 1 MiB from an agent) may take: with the
    /// retries (three tries and their waits, about 10 s), a silo whose storage hangs still answers well within
    /// an agent's timeout. Raise it for silos that
    /// reach their storage account over a link slower than about 3 Mbit/s.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>A blob service client with this mode's retry policy.</summary>
    public BlobServiceClient CreateBlobServiceClient()
    {
        var client = new BlobClientOptions();
        client.Retry.Mode = RetryMode.Exponential;
        client.Retry.MaxRetries = MaxRetries;
        client.Retry.Delay = RetryDelay;
        client.Retry.MaxDelay = RetryDelay * 10;
        client.Retry.NetworkTimeout = RequestTimeout;
        return string.IsNullOrWhiteSpace(ConnectionString)
            ? new BlobServiceClient(ServiceUri, GetTokenCredential(), client)
            : new BlobServiceClient(ConnectionString, client);
    }

    /// <summary>A table service client for membership: the connection string's account, or <see cref="TableServiceUri"/> with the credential.</summary>
    public TableServiceClient CreateTableServiceClient()
        => string.IsNullOrWhiteSpace(ConnectionString)
            ? new TableServiceClient(TableServiceUri, GetTokenCredential())
            : new TableServiceClient(ConnectionString);

    /// <summary>One credential for every client of these options, so its token is fetched once and shared until it expires.</summary>
    public TokenCredential GetTokenCredential() => LazyInitializer.EnsureInitialized(ref _tokenCredential, () => Credential switch
    {
        AzureStorageCredential.ManagedIdentity => new ManagedIdentityCredential(string.IsNullOrWhiteSpace(ClientId)
            ? ManagedIdentityId.SystemAssigned
            : ManagedIdentityId.FromUserAssignedClientId(ClientId)),
        AzureStorageCredential.WorkloadIdentity => new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { ClientId = NullIfEmpty(ClientId) }),
        _ => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = NullIfEmpty(ClientId), WorkloadIdentityClientId = NullIfEmpty(ClientId) }),
    });

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
