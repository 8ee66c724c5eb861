using Microsoft.Extensions.Options;

namespace Orleans.Profiles;

public sealed class ProfileStoreOptionsValidator : IValidateOptions<ProfileStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ProfileStoreOptions options)
    {
        var failures = new List<string>();
        if (options.SessionLifetime <= TimeSpan.Zero)
        {
            failures.Add("SessionLifetime must be positive.");
        }

        if (options.MaxBatchBytes < ProfileChunker.MaxChunkSize)
        {
            failures.Add($"MaxBatchBytes must hold at least one chunk of the largest size ({ProfileChunker.MaxChunkSize} bytes).");
        }

        if (options.MaxReadBytes < ProfileChunker.MaxChunkSize)
        {
            failures.Add($"MaxReadBytes must hold at least one chunk of the largest size ({ProfileChunker.MaxChunkSize} bytes).");
        }

        if (options.MaxFiles < 1 || options.MaxFileBytes < 0)
        {
            failures.Add("MaxFiles must be at least 1 and MaxFileBytes not negative.");
        }

        if (options.MaxOpenSessions < 1 || options.MaxProfileBytes < 0)
        {
            failures.Add("MaxOpenSessions must be at least 1 and MaxProfileBytes not negative (0: no quota).");
        }

        if (options.RetainSnapshots < 1 || options.RetainFor < TimeSpan.Zero)
        {
            failures.Add("RetainSnapshots must be at least 1 and RetainFor not negative.");
        }

        if (!Enum.IsDefined(options.ConflictPolicy))
        {
            failures.Add($"ConflictPolicy must be one of {string.Join(", ", Enum.GetNames<ConflictPolicy>())}.");
        }

        if (!Enum.IsDefined(options.DamagedHives))
        {
            failures.Add($"DamagedHives must be one of {string.Join(", ", Enum.GetNames<DamagedHivePolicy>())}.");
        }

        if (options.DeleteOperationsPerSecond < 0)
        {
            failures.Add("DeleteOperationsPerSecond must not be negative (0: no limit).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
