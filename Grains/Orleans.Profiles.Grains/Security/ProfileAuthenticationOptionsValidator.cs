using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Security;

public sealed class ProfileAuthenticationOptionsValidator : IValidateOptions<ProfileAuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, ProfileAuthenticationOptions options)
    {
        var failures = new List<string>();
        foreach (var file in options.AllKeyFiles.Append(options.JwksFile).OfType<string>().Where(f => f.Length > 0))
        {
            if (!File.Exists(file))
            {
                failures.Add($"The token key file '{file}' does not exist.");
            }
        }

        if (options.Authority is { Length: > 0 } authority && !Uri.TryCreate(authority, UriKind.Absolute, out _))
        {
            failures.Add($"Auth:Authority '{authority}' is not an absolute URL.");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience) || string.IsNullOrWhiteSpace(options.AdminRole))
        {
            failures.Add("Auth:Issuer, Auth:Audience and Auth:AdminRole must not be empty.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(10))
        {
            failures.Add("Auth:ClockSkew must be from 0 to 10 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
