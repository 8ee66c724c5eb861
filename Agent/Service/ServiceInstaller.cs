using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// <c>service install</c> and <c>uninstall</c>: writes the configuration (and a copy of the machine token) under
/// <see cref="AgentServicePaths.Root"/>, then registers the service. A configuration the service would refuse
/// at start is refused here, before anything is written.
/// </summary>
public sealed class ServiceInstaller(AgentServicePaths paths, IServiceRegistrar registrar)
{
    public const string TokenFileName = "machine.token";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Installs; returns the configuration file written and what the service control manager could not set.</summary>
    public (string ConfigFile, IReadOnlyList<string> Warnings) Install(AgentServiceOptions options, string executable)
    {
        var problems = new AgentServiceOptionsValidator().Validate(null, options);
        if (problems.Failed)
        {
            throw new ArgumentException(string.Join(" ", problems.Failures));
        }

        Directory.CreateDirectory(paths.Root);
        ProtectedFolder.Restrict(paths.Root);
        if (options.TokenFile is { } token)
        {
            // The service must not depend on where the administrator happened to keep the token.
            var copy = Path.Combine(paths.Root, TokenFileName);
            AtomicFile.WriteAllBytesAsync(copy, Encoding.UTF8.GetBytes(File.ReadAllText(token).Trim())).GetAwaiter().GetResult();
            options.TokenFile = copy;
        }

        AtomicFile.WriteAllBytesAsync(paths.ConfigFile, JsonSerializer.SerializeToUtf8Bytes(options, Json)).GetAwaiter().GetResult();
        var warnings = registrar.Install(CommandLine(executable, paths), options.ShutdownTimeout);
        return (paths.ConfigFile, warnings);
    }

    /// <summary>The command line the service control manager starts: <c>"…\profiles-agent.exe" service run --config "…"</c>.</summary>
    public static string CommandLine(string executable, AgentServicePaths paths)
        => paths == AgentServicePaths.Default
            ? $"\"{executable}\" service run"
            : $"\"{executable}\" service run --config \"{paths.ConfigFile}\"";

    /// <summary>Reads the configuration <c>service run</c> would use, checked the same way.</summary>
    public static AgentServiceOptions Load(string configFile)
    {
        if (!File.Exists(configFile))
        {
            throw new FileNotFoundException($"there is no configuration at {configFile}: run 'profiles-agent service install' first.", configFile);
        }

        var options = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(configFile), optional: false).Build().Get<AgentServiceOptions>() ?? new AgentServiceOptions();
        var problems = new AgentServiceOptionsValidator().Validate(null, options);
        return problems.Failed ? throw new OptionsValidationException(nameof(AgentServiceOptions), typeof(AgentServiceOptions), problems.Failures) : options;
    }
}
