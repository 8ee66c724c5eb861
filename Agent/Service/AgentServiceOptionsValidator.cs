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
        Positive(options.ResubscribeInterval, nameof(options.ResubscribeInterval));
        Positive(options.CheckInterval, nameof(options.CheckInterval));
        if (options.ResubscribeInterval > CommitSubscription.Lifetime / 2)
        {
            failures.Add($"ResubscribeInterval: at most {CommitSubscription.Lifetime / 2} (half the {CommitSubscription.Lifetime} a silo keeps a subscription), not {options.ResubscribeInterval}.");
        }

        foreach (var user in options.Users)
        {
            if (!ProfileKey.TryParse(user.Account, out _))
            {
                failures.Add($"Users: \"{user.Account}\" is not an account name (DOMAIN\\user, user@domain or user).");
            }

            if (user.Sid is { } sid && !sid.StartsWith("S-1-5-21-", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"Users: {user.Account} has Sid \"{sid}\", not the SID of a domain account (S-1-5-21-…).");
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
