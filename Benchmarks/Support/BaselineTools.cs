using System.Diagnostics;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>
/// The command-line baselines (rsync, xdelta3, zstd, sha256sum, cp, sync): found on PATH, or installed
/// from Debian with apt-get the first time one is missing, as test.sh installs Wine.
/// </summary>
public sealed class BaselineTools(TextWriter log)
{
    private static readonly Dictionary<string, string> DebianPackages = new(StringComparer.Ordinal)
    {
        ["rsync"] = "rsync",
        ["xdelta3"] = "xdelta3",
        ["zstd"] = "zstd",
        ["sha256sum"] = "coreutils",
        ["cp"] = "coreutils",
        ["sync"] = "coreutils",
    };

    private readonly SemaphoreSlim _installing = new(1, 1);

    /// <summary>The full path of <paramref name="tool"/>, installing its Debian package if it is not on PATH.</summary>
    public async Task<string> FindAsync(string tool, CancellationToken cancellationToken)
    {
        if (Which(tool) is { } found)
        {
            return found;
        }

        await _installing.WaitAsync(cancellationToken);
        try
        {
            if (Which(tool) is { } installed)
            {
                return installed;
            }

            var package = DebianPackages.GetValueOrDefault(tool, tool);
            log.WriteLine($"{tool} is not installed: apt-get install -y {package}");
            var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            await AptGetAsync(["update", "-q"], environment, cancellationToken);
            var result = await AptGetAsync(["install", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", "--no-install-recommends", package], environment, cancellationToken);
            return Which(tool) ?? throw new InvalidOperationException($"Installing {package} (apt-get install -y {package}) failed: {result.StandardError}");
        }
        finally
        {
            _installing.Release();
        }
    }

    /// <summary>Runs a program to its end; its output is kept (not shown), its time measured from start to exit.</summary>
    public static async Task<ToolResult> RunAsync(string program, IEnumerable<string> args, CancellationToken cancellationToken, bool check = true,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var elapsed = clock.Elapsed;
        var result = new ToolResult(process.ExitCode, await stdout, await stderr, elapsed);
        if (check && result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited {result.ExitCode}: {result.StandardError}");
        }

        return result;
    }

    private static Task<ToolResult> AptGetAsync(string[] args, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
        => Environment.UserName == "root"
            ? RunAsync("apt-get", args, cancellationToken, check: false, environment: environment)
            : RunAsync("sudo", ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", .. args], cancellationToken, check: false);

    private static string? Which(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
