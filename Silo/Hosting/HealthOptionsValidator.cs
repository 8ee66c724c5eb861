using System.Net;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Silo.Hosting;

public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.Address, out _))
        {
            failures.Add($"Health:Address: '{options.Address}' is not an IP address.");
        }

        if (options.Port is < 0 or > IPEndPoint.MaxPort)
        {
            failures.Add($"{SettingNames.Describe("Health:Port")} must be a TCP port from 1 to {IPEndPoint.MaxPort} or 0 (a free one), not {options.Port}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
