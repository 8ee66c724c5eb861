using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Silo.Hosting;

public sealed class StorageModeOptionsValidator : IValidateOptions<StorageModeOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageModeOptions options)
        => Enum.IsDefined(options.Mode)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(EnumSettings.NotOneOf("Storage:Mode", options.Mode.ToString(), typeof(StorageMode)));
}
