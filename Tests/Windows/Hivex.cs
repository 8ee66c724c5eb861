using Orleans.Profiles.Tests.EndToEnd;

namespace Orleans.Profiles.Tests.Windows;

/// <summary>
/// hivex's tools (Debian's libhivex-bin, which <c>./test.sh</c> installs) on hive files: an independent reader and
/// writer of the registry format, for the edits regedit or a program would make to a user's NTUSER.DAT.
/// </summary>
public static class Hivex
{
    /// <summary>
    /// Runs <c>hivexsh -w</c> on <paramref name="hive"/> with <paramref name="commands"/>, one per line as in a hivexsh
    /// script (<c>cd \Software</c>, <c>setval 1</c>, <c>Theme</c>, <c>string:dark</c>), then commits.
    /// </summary>
    public static async Task EditAsync(string hive, params string[] commands)
    {
        var script = Path.Combine(Path.GetTempPath(), $"hivexsh-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(script, [.. commands, "commit"]);
        try
        {
            await RunAsync("hivexsh", "-w", "-f", script, hive);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>One value as <c>hivexget</c> prints it: a string as text, a DWORD as a number.</summary>
    public static async Task<string> GetAsync(string hive, string key, string value)
        => (await RunAsync("hivexget", hive, key, value)).TrimEnd('\n');

    /// <summary>Every value of a key as <c>hivexget</c> prints them, one <c>"name"=data</c> line each, as regedit exports them.</summary>
    public static async Task<string[]> ValuesAsync(string hive, string key)
        => (await RunAsync("hivexget", hive, key)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<string> RunAsync(string tool, params string[] args)
    {
        await using var process = ChildProcess.StartProgram(tool, args);
        var exitCode = await process.WaitForExitAsync();
        return exitCode == 0 && process.StandardError.Length == 0
            ? process.StandardOutput
            : throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({exitCode}):\n{process.StandardOutput}\n{process.StandardError}");
    }
}
