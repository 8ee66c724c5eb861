using System.Text.Json;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>How an agent run ended: exit code, output, and its JSON result.</summary>
public sealed record AgentResult(int ExitCode, string StandardOutput, string StandardError)
{
    public JsonElement Json => JsonDocument.Parse(StandardOutput).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}
