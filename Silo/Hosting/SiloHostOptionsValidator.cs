using System.Net;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Silo.Hosting;

public sealed class SiloHostOptionsValidator : IValidateOptions<SiloHostOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloHostOptions options)
    {
        var failures = new List<string>();
        foreach (var (what, port) in new[] { ("Silo:SiloPort (--silo-port)", options.SiloPort), ("Silo:GatewayPort (--gateway-port)", options.GatewayPort) })
        {
            if (port is < 1 or > IPEndPoint.MaxPort)
            {
                failures.Add($"{what} must be a TCP port from 1 to {IPEndPoint.MaxPort}, not {port}.");
            }
        }

        if (options.GatewayListenPort is < 0 or > IPEndPoint.MaxPort)
        {
            failures.Add($"Silo:GatewayListenPort (--gateway-listen-port) must be a TCP port or 0, not {options.GatewayListenPort}.");
        }

        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add("The silo port and the gateway port must differ.");
        }

        if (options.AdvertisedAddress is { Length: > 0 } advertised && !IPAddress.TryParse(advertised, out _))
        {
            failures.Add($"Silo:AdvertisedAddress (--advertise-ip): '{advertised}' is not an IP address.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add("Silo:ClusterId and Silo:ServiceId must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
