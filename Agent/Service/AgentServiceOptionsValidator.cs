using System.Net;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Agent.Service;

/// <summary>Refuses a configuration the service could not work with, at start, naming the setting.</summary>
public sealed class AgentServiceOptionsValidator : IValidateOptions<AgentServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentServiceOptions options)
    {
        var failures = new List<string>();
        if (options.Gateways.Count == 0)
        {
            failures.Add("Gateways: give at least one HOST:PORT (service install --gateway).");
        }

        foreach (var gateway in options.Gateways)
        {
            var colon = gateway.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), out var port) || port is < 1 or > IPEndPoint.MaxPort)
            {
                failures.Add($"Gateways: \"{gateway}\" is not HOST:PORT.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Machine))
        {
            failures.Add("Machine: must not be empty.");
        }

        Positive(options.SweepInterval, nameof(options.SweepInterval));
        Positive(options.UnloadTimeout, nameof(options.UnloadTimeout));
        Positive(options.UnloadCheckInterval, nameof(options.UnloadCheckInterval));
        Positive(options.ShutdownTimeout, nameof(options.ShutdownTimeout));
        foreach (var user in options.Users)
        {
            if (!ProfileKey.TryParse(user.Account, out _))
            {
                failures.Add($"Users: \"{user.Account}\" is not an account name (DOMAIN\\user, user@domain or user).");
            }

            if (string.IsNullOrWhiteSpace(user.Folder))
            {
                failures.Add($"Users: {user.Account} has no folder.");
            }
        }

        if (options.Users.Count == 0 && !options.DiscoverDomainUsers)
        {
            failures.Add("Users: no one roams: give --user ACCOUNT=FOLDER or --discover-domain-users.");
        }

        try
        {
            _ = Sync.ProfileFilter.Create(options.Exclude, options.Include);
        }
        catch (ArgumentException ex)
        {
            failures.Add($"Exclude/Include: {ex.Message}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(TimeSpan value, string setting)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{setting}: must be positive, not {value}.");
            }
        }
    }
}
