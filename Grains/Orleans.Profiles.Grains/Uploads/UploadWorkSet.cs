namespace Orleans.Profiles.Uploads;

/// <summary>
/// An open session's working set, held by the activation only while the upload runs (rebuilt from
/// the stores after a restart): what the manifest needs, what the store already had, what arrived.
/// </summary>
internal sealed class UploadWorkSet(ProfileManifest manifest, ProfileManifest? index, IReadOnlySet<ContentHash> staged)
{
    public ProfileManifest Manifest { get; } = manifest;

    /// <summary>The manifest of the snapshot that was current at begin, whose chunks are reused.</summary>
    public ProfileManifest? Index { get; } = index;

    /// <summary>Every distinct chunk the manifest references, with its length.</summary>
    public Dictionary<ContentHash, int> Needed { get; } = NeededChunks(manifest);

    public Dictionary<ContentHash, ChunkLocation> Known { get; } = (index?.Locations ?? []).DistinctBy(l => l.Hash).ToDictionary(l => l.Hash);

    public HashSet<ContentHash> Staged { get; } = [.. staged];

    public IEnumerable<ContentHash> Missing
        => Manifest.Files.SelectMany(f => f.Chunks).Distinct().Where(IsMissing);

    public int MissingCount => Needed.Keys.Count(IsMissing);

    /// <summary>Whether a verified chunk of this session still has to be staged (it is neither in the index snapshot nor staged).</summary>
    public bool IsMissing(ContentHash hash) => !Known.ContainsKey(hash) && !Staged.Contains(hash);

    private static Dictionary<ContentHash, int> NeededChunks(ProfileManifest manifest)
    {
        var needed = new Dictionary<ContentHash, int>();
        foreach (var file in manifest.Files)
        {
            for (var i = 0; i < file.Chunks.Length; i++)
            {
                needed.TryAdd(file.Chunks[i], file.ChunkLength(i));
            }
        }

        return needed;
    }
}
