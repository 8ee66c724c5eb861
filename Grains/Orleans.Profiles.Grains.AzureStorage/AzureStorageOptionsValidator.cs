using Microsoft.Extensions.Options;

namespace Orleans.Profiles.AzureStorage;

public sealed class AzureStorageOptionsValidator : IValidateOptions<AzureStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureStorageOptions options)
    {
        var failures = new List<string>();
        // One way to reach the account: an account key (connection string) or Entra ID (service URIs and a credential).
        var keyed = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var entra = options.ServiceUri is not null || options.TableServiceUri is not null;
        if (keyed && entra)
        {
            failures.Add("Storage:Azure:ConnectionString and Storage:Azure:ServiceUri/TableServiceUri are both set: give the connection string (account key) or the service URIs (Entra ID), not both.");
        }
        else if (!keyed && !entra)
        {
            failures.Add("The azure storage mode needs a connection string (--azure-connection-string or AZURE_STORAGE_CONNECTION_STRING) or, for Entra ID, Storage:Azure:ServiceUri and Storage:Azure:TableServiceUri.");
        }
        else if (entra)
        {
            CheckServiceUri("ServiceUri", options.ServiceUri, failures);
            CheckServiceUri("TableServiceUri", options.TableServiceUri, failures);
            if (!Enum.IsDefined(options.Credential))
            {
                failures.Add($"Storage:Azure:Credential: '{options.Credential}' is not one of {string.Join(", ", Enum.GetNames<AzureStorageCredential>())}.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Container) || string.IsNullOrWhiteSpace(options.StateContainer) || string.IsNullOrWhiteSpace(options.ClusteringTable))
        {
            failures.Add("Storage:Azure:Container, StateContainer and ClusteringTable must not be empty.");
        }

        if (options.MaxRetries is < 0 or > 10 || options.RetryDelay <= TimeSpan.Zero || options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Storage:Azure:MaxRetries must be 0 to 10 (not {options.MaxRetries}), RetryDelay and RequestTimeout positive (not {options.RetryDelay} and {options.RequestTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Bearer tokens are sent over TLS only (the SDK refuses otherwise, at the first request rather than at start).
    private static void CheckServiceUri(string key, Uri? uri, List<string> failures)
    {
        if (uri is null)
        {
            failures.Add($"Storage:Azure:ServiceUri and Storage:Azure:TableServiceUri go together: {key} is missing (blobs need the one, membership the other).");
        }
        else if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"Storage:Azure:{key}: '{uri.OriginalString}' is not an absolute https URI (Entra ID tokens go over TLS only).");
        }
    }
}
