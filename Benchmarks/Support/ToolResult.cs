namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>How a baseline program ended: exit code, output, and its wall time from start to exit.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed);
