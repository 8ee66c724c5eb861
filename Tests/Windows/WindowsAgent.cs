using Orleans.Profiles.Tests.EndToEnd;

namespace Orleans.Profiles.Tests.Windows;

/// <summary>
/// The agent built for Windows as an administrator deploys it: win-x64, self-contained, in a folder (the single-file
/// build does not start under Wine 8). A full <c>./test.sh</c> publishes it and names the folder in
/// <see cref="PublishedVariable"/>; any other run (a filter, an IDE) publishes it here once, to
/// <see cref="Programs.WindowsAgentFolder"/>, so that it is never older than the code under test.
/// </summary>
public static class WindowsAgent
{
    public const string FileName = "profiles-agent.exe";

    /// <summary>The environment variable that names a folder where the agent was just published.</summary>
    public const string PublishedVariable = "PROFILES_WINDOWS_AGENT";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    /// <summary>The Linux path of the published <c>profiles-agent.exe</c> (Wine runs it as <c>Z:\…</c>).</summary>
    public static Task<string> PathAsync() => Published.Value;

    private static async Task<string> PublishAsync()
    {
        if (Environment.GetEnvironmentVariable(PublishedVariable) is { Length: > 0 } published)
        {
            var exe = Path.Combine(published, FileName);
            return File.Exists(exe) ? exe : throw new FileNotFoundException($"{PublishedVariable} names {published}, which has no {FileName}.");
        }

        // No build servers or reused nodes: they would outlive the run and hold its output open.
        var folder = Programs.WindowsAgentFolder;
        await using var publish = ChildProcess.StartProgram(
            "dotnet",
            ["publish", "Agent", "-c", Programs.Configuration, "-r", "win-x64", "--self-contained", "-o", folder,
             "-nologo", "-v", "quiet", "-nodeReuse:false", "-p:UseSharedCompilation=false"],
            Programs.RepositoryRoot);
        var exitCode = await publish.WaitForExitAsync(PublishTimeout);
        return exitCode == 0
            ? Path.Combine(folder, FileName)
            : throw new InvalidOperationException($"dotnet publish of the Windows agent to {folder} failed ({exitCode}):\n{publish.StandardOutput}\n{publish.StandardError}");
    }
}
