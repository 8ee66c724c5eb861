namespace Orleans.Profiles;

/// <summary>An upload session not committed yet: which machine opened it and when.</summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.OpenUpload")]
public sealed record OpenUpload([property: Id(0)] string Machine, [property: Id(1)] DateTimeOffset StartedAt);
