using System.Collections.Immutable;

namespace Orleans.Profiles;

/// <summary>
/// The content of a snapshot: its files in canonical order and, once committed, where each
/// distinct chunk lives. An upload sends only the files; the store adds the locations.
/// </summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ProfileManifest")]
public sealed record ProfileManifest(
    [property: Id(0)] ImmutableArray<ManifestFile> Files,
    [property: Id(1)] ImmutableArray<ChunkLocation> Locations)
{
    public static ProfileManifest Empty { get; } = new([], []);

    /// <summary>Builds an upload manifest with its files put in canonical order.</summary>
    public static ProfileManifest ForUpload(IEnumerable<ManifestFile> files)
        => new([.. files.OrderBy(f => f.Path, StringComparer.OrdinalIgnoreCase).ThenBy(f => f.Path, StringComparer.Ordinal)], []);

    /// <summary>The manifest hash: SHA-256 over the canonical encoding of the files, locations excluded.</summary>
    public ContentHash ComputeHash() => ManifestCodec.ComputeHash(Files);

    public long TotalBytes => Files.Sum(f => f.Length);

    public ProfileManifest WithLocations(ImmutableArray<ChunkLocation> locations) => this with { Locations = locations };
}
