using Microsoft.Extensions.Options;

namespace Orleans.Profiles.AzureStorage;

public sealed class AzureStorageOptionsValidator : IValidateOptions<AzureStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureStorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("The azure storage mode needs a connection string (--azure-connection-string or AZURE_STORAGE_CONNECTION_STRING).");
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
}
