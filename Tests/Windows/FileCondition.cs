using System.Text.Json;

namespace Orleans.Profiles.Tests.Windows;

/// <summary>
/// Waits until a file another process writes satisfies a condition: looked at once, then at each change the
/// file system reports (inotify) for its folder, so the test wakes on the write itself, not on a timer.
/// </summary>
public static class FileCondition
{
    public static async Task<JsonElement> WaitAsync(string file, Func<string, JsonElement?> read, TimeSpan timeout, Func<string> describe)
    {
        var folder = Path.GetDirectoryName(file)!;
        Directory.CreateDirectory(folder);
        var met = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(folder) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        void Look()
        {
            try
            {
                if (File.Exists(file) && read(File.ReadAllText(file)) is { } value)
                {
                    met.TrySetResult(value);
                }
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                // Caught mid-write: the rename that completes it raises another event.
            }
        }

        watcher.Created += (_, _) => Look();
        watcher.Changed += (_, _) => Look();
        watcher.Renamed += (_, _) => Look();
        watcher.EnableRaisingEvents = true;
        Look();
        try
        {
            return await met.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{file} did not reach the expected state in {timeout}: {describe()}");
        }
    }
}
