using Azure;
using Azure.Identity;
using Orleans.Profiles.AzureStorage;
using Orleans.Profiles.Local;
using Orleans.Runtime;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>What a caller is told when storage fails: the kind of failure, never the SDK's message with its URIs and paths.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class StorageFaultsTests
{
    private static readonly RequestFailedException Refused = new("Connection refused (127.0.0.1:10000) http://127.0.0.1:10000/devstoreaccount1/x");
    private static readonly RequestFailedException Busy = new(503, "The server is busy. RequestId:1 https://account.blob.core.windows.net/c/b", "ServerBusy", null);

    public static TheoryData<Exception, string?> Azure => new()
    {
        { Refused, "Azure Storage did not answer" },
        { Busy, "Azure Storage answered 503 ServerBusy" },
        { new AggregateException("Retry failed after 4 tries.", Busy, Busy, Busy, Busy), "Azure Storage answered 503 ServerBusy" },
        { new OrleansException("Error from storage provider", new AggregateException(Refused)), "Azure Storage did not answer" },
        { new AggregateException(new TimeoutException(), Busy), "Azure Storage answered 503 ServerBusy" },
        { new AggregateException("Retry failed after 4 tries.", new TaskCanceledException("exceeded the configured timeout of 00:00:03"), new TaskCanceledException()), "Azure Storage did not answer in time" },
        { new OrleansException("Error from storage provider", new CredentialUnavailableException("ManagedIdentityCredential authentication unavailable.")), "the silo got no Entra ID token for Azure Storage" },
        { new InvalidOperationException("Sequence contains no elements"), null },
        { new IOException("disk full"), null },
    };

    private const string Advice = "check Storage:Azure:Credential and ClientId and the identity's roles on the account (Storage Blob Data Contributor, Storage Table Data Contributor), or the connection string's key.";

    public static TheoryData<Exception, string?> Refusals => new()
    {
        { new OrleansException("membership", new RequestFailedException(403, "This request is not authorized to perform this operation using this permission.", "AuthorizationPermissionMismatch", null)), $"Azure Storage refused the silo's credentials (403 AuthorizationPermissionMismatch): {Advice}" },
        { new AggregateException(new RequestFailedException(401, "Server failed to authenticate the request.", "InvalidAuthenticationInfo", null)), $"Azure Storage refused the silo's credentials (401 InvalidAuthenticationInfo): {Advice}" },
        { new AuthenticationFailedException("ManagedIdentityCredential authentication failed: Service request failed.\nStatus: 400 (Bad Request)"), $"the silo got no Entra ID token for Azure Storage (ManagedIdentityCredential authentication failed: Service request failed.): {Advice}" },
        { Busy, null },
        { Refused, null },
    };

    public static TheoryData<Exception, string?> Local => new()
    {
        { new IOException("No space left on device : '/var/lib/profiles/packs/x.pack'"), "the silo could not read or write its data folder" },
        { new OrleansException("Error from storage provider", new DirectoryNotFoundException("/var/lib/profiles")), "the silo could not read or write its data folder" },
        { new UnauthorizedAccessException("Access to the path '/var/lib/profiles' is denied."), "the silo may not read or write its data folder" },
        { new ArgumentException("bad"), null },
        { Busy, null },
    };

    [Theory]
    [MemberData(nameof(Azure))]
    public void Azure_mode_reports_request_failures_by_status_only(Exception error, string? reason)
    {
        Assert.Equal(reason, new AzureStorageFaults().Describe(error));
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_refused_credential_at_start_is_named_with_what_to_check(Exception error, string? line)
    {
        Assert.Equal(line, AzureStorageRefusal.Describe(error));
    }

    [Theory]
    [MemberData(nameof(Local))]
    public void Local_mode_reports_file_system_failures_without_paths(Exception error, string? reason)
    {
        Assert.Equal(reason, new LocalStorageFaults().Describe(error));
    }
}
