using Azure;
using Azure.Identity;

namespace Orleans.Profiles.AzureStorage;

/// <summary>
/// A silo that cannot authenticate to its storage account at start (membership is its first request) should say so
/// in one line and stop, not crash with the SDK's stack trace: no retry fixes a refused credential.
/// </summary>
public static class AzureStorageRefusal
{
    /// <summary>What to tell the operator when <paramref name="exception"/> is Azure Storage refusing the silo's credentials, or null.</summary>
    public static string? Describe(Exception exception) => StorageFaults.Find(exception, static e => e is RequestFailedException { Status: 401 or 403 } or AuthenticationFailedException) switch
    {
        RequestFailedException refused => $"Azure Storage refused the silo's credentials ({refused.Status} {ErrorCode(refused)}".TrimEnd() + "): " + Advice,
        AuthenticationFailedException failed => $"the silo got no Entra ID token for Azure Storage ({failed.Message.Split('\n')[0].Trim()}): " + Advice,
        _ => null,
    };

    // The table SDK reads the code from a JSON body only; the header says it whatever the body.
    private static string? ErrorCode(RequestFailedException refused)
        => refused.ErrorCode ?? (refused.GetRawResponse()?.Headers.TryGetValue("x-ms-error-code", out var code) == true ? code : null);

    private const string Advice = "check Storage:Azure:Credential and ClientId and the identity's roles on the account (Storage Blob Data Contributor, Storage Table Data Contributor), or the connection string's key.";
}
