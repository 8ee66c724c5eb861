using System.Text.Json;

namespace Orleans.Profiles.Tests.Windows;

/// <summary>How a program run under Wine ended: exit code, output, and its JSON result (the agent's <c>--json</c>).</summary>
public sealed record WineResult(int ExitCode, string StandardOutput, string StandardError)
{
    public JsonElement Json => JsonDocument.Parse(StandardOutput).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}
