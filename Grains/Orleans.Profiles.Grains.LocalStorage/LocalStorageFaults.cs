using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Local;

/// <summary>In local mode storage fails as file-system errors on the data folder (disk full, permissions, a lost mount).</summary>
public sealed class LocalStorageFaults : IStorageFaults
{
    // The message names server paths: the caller gets the kind of error, the silo's log the rest.
    public string? Describe(Exception exception) => StorageFaults.Find(exception, static e => e is IOException or UnauthorizedAccessException) switch
    {
        UnauthorizedAccessException => "the silo may not read or write its data folder",
        IOException => "the silo could not read or write its data folder",
        _ => null,
    };
}
