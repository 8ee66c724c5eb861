namespace Orleans.Profiles;

/// <summary>What <c>admin delete</c> removed.</summary>
/// <param name="ItemsDeleted">Files or blobs (packs, staging, manifests) this run deleted; the grain state goes last.</param>
/// <param name="Resumed">True when this run finished a delete an earlier one had begun.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ProfileDeletion")]
public sealed record ProfileDeletion([property: Id(0)] string Profile, [property: Id(1)] int ItemsDeleted, [property: Id(2)] bool Resumed);
