namespace Orleans.Profiles;

/// <summary>
/// A registry hive in an upload failed the store's sanity check (truncated, torn, or a zeroed page):
/// the workstation pushed a hive that was already damaged, and committing it would replace a good profile with a
/// broken one.
/// </summary>
[GenerateSerializer, Alias("Orleans.Profiles.DamagedHiveException")]
public sealed class DamagedHiveException : ProfileStoreException
{
    public DamagedHiveException(string path, long offset, string problem)
        : base($"Registry hive \"{path}\" is damaged at offset 0x{offset:X} ({offset}): {problem}. The upload was refused and the last good snapshot stays current.")
    {
        Path = path;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The hive's path in the profile.</summary>
    [Id(0)] public string Path { get; private set; }

    /// <summary>The byte offset in the file where the damage was found.</summary>
    [Id(1)] public long Offset { get; private set; }

    /// <summary>What is wrong, as the store's hive check found it.</summary>
    [Id(2)] public string Problem { get; private set; }

    public override bool IsBadInput => true;
}
