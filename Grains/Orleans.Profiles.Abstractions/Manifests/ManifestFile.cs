using System.Collections.Immutable;

namespace Orleans.Profiles;

/// <summary>One file of a snapshot: its relative path, length, whole-file SHA-256 and ordered chunks.</summary>
/// <param name="Path">Relative path with <c>\</c> separators, as Windows names it (see <see cref="ProfilePath"/>).</param>
/// <param name="ChunkSize">The size of every chunk but the last; recorded per file so the policy can change.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.ManifestFile")]
public sealed record ManifestFile(
    [property: Id(0)] string Path,
    [property: Id(1)] long Length,
    [property: Id(2)] ContentHash Sha256,
    [property: Id(3)] int ChunkSize,
    [property: Id(4)] ImmutableArray<ContentHash> Chunks)
{
    /// <summary>The length of chunk <paramref name="index"/>: the chunk size, except for a shorter last chunk.</summary>
    public int ChunkLength(int index) => (int)Math.Min(ChunkSize, Length - ((long)index * ChunkSize));

    /// <summary>True when both describe the same bytes (path aside).</summary>
    public bool SameContentAs(ManifestFile other)
        => Length == other.Length && Sha256 == other.Sha256 && ChunkSize == other.ChunkSize && Chunks.SequenceEqual(other.Chunks);
}
