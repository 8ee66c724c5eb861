using System.Net;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Silo.Hosting;

public sealed class SiloDashboardOptionsValidator : IValidateOptions<SiloDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloDashboardOptions options)
        => options.Enabled && options.Port is < 1 or > IPEndPoint.MaxPort
            ? ValidateOptionsResult.Fail($"Dashboard:Port must be a TCP port from 1 to {IPEndPoint.MaxPort}, not {options.Port}.")
            : ValidateOptionsResult.Success;
}
