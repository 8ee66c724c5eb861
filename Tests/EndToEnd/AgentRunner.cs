using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>Runs the real agent program as one workstation would: its own state folder, JSON output.</summary>
public sealed class AgentRunner(string stateDirectory, params string[] gateways)
{
    public string StateDirectory => stateDirectory;

    /// <summary>Environment variables for every run (for example PROFILES_TOKEN).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public async Task<AgentResult> RunAsync(params string[] args)
    {
        await using var process = Start(args);
        var exitCode = await process.WaitForExitAsync();
        return new AgentResult(exitCode, process.StandardOutput, process.StandardError);
    }

    /// <summary>Runs and asserts success, so a failing step shows the agent's own words.</summary>
    public async Task<AgentResult> SucceedAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == ExitCodes.Success, $"profiles-agent {string.Join(' ', args)}: {result}");
        return result;
    }

    public ChildProcess Start(params string[] args)
        => ChildProcess.Start(Programs.AgentPath, [.. args, .. gateways.SelectMany(g => new[] { "--gateway", g }), "--state-dir", stateDirectory, "--json"], environment: Environment);
}
