using Azure;
using Azure.Identity;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.AzureStorage;

/// <summary>
/// Azure Storage fails as <see cref="RequestFailedException"/> (an error status, or status 0 when the connection
/// failed), as <see cref="AuthenticationFailedException"/> when its Entra ID credential gets no token, or as a cancellation when a try outlived <see cref="AzureStorageOptions.RequestTimeout"/>: profile
/// grain calls carry no cancellation of their own, so under one a cancellation is always that timeout.
/// </summary>
public sealed class AzureStorageFaults : IStorageFaults
{
    // The SDK's message lists the request's URI and headers: the caller gets the status, the silo's log the rest.
    public string? Describe(Exception exception) => StorageFaults.Find(exception, static e => e is RequestFailedException or AuthenticationFailedException or OperationCanceledException) switch
    {
        RequestFailedException { Status: 0 } => "Azure Storage did not answer",
        RequestFailedException failed => $"Azure Storage answered {failed.Status} {failed.ErrorCode}".TrimEnd(),
        AuthenticationFailedException => "the silo got no Entra ID token for Azure Storage",
        OperationCanceledException => "Azure Storage did not answer in time",
        _ => null,
    };
}
