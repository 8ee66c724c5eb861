namespace Orleans.Profiles;

/// <summary>A commit the store refused because a registry hive in it was damaged.</summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.DamagedHiveRefusal")]
public sealed record DamagedHiveRefusal([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Machine, [property: Id(2)] string Path);
