using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Local;

public sealed class LocalStorageOptionsValidator : IValidateOptions<LocalStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalStorageOptions options)
        => string.IsNullOrWhiteSpace(options.DataDirectory)
            ? ValidateOptionsResult.Fail("Local storage needs a data directory (--data DIR).")
            : ValidateOptionsResult.Success;
}
