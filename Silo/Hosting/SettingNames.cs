namespace Orleans.Profiles.Silo.Hosting;

/// <summary>How messages name a setting: its configuration key, and the command-line switch that sets it, if any.</summary>
public static class SettingNames
{
    /// <summary><c>Storage:Mode (--storage)</c>, or the bare key when no switch sets it.</summary>
    public static string Describe(string key)
        => CommandLine.Switches.FirstOrDefault(s => string.Equals(s.Value, key, StringComparison.OrdinalIgnoreCase)).Key is { } name
            ? $"{key} ({name})"
            : CommandLine.Flags.FirstOrDefault(s => string.Equals(s.Value, key, StringComparison.OrdinalIgnoreCase)).Key is { } flag ? $"{key} ({flag})" : key;
}
