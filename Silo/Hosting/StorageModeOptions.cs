namespace Orleans.Profiles.Silo.Hosting;

/// <summary>The storage mode (configuration section <c>Storage</c>).</summary>
public sealed class StorageModeOptions
{
    public const string Section = "Storage";
    public const StorageMode DefaultMode = StorageMode.Local;

    /// <summary>Parsed once, ignoring case: <c>local</c>, <c>Local</c> and <c>LOCAL</c> are one mode.</summary>
    public StorageMode Mode { get; set; } = DefaultMode;

    /// <summary>How logs and messages name the mode: as it is typed, lower case.</summary>
    public string ModeName => Mode.ToString().ToLowerInvariant();
}
