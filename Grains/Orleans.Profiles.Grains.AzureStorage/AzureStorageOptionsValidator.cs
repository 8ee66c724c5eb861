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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
