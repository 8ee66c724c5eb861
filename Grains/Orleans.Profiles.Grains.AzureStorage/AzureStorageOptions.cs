using Azure.Core;
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

    /// <summary>The storage account's connection string; a secret, never logged.</summary>
    public string? ConnectionString { get; set; }

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
        return new BlobServiceClient(ConnectionString, client);
    }
}
