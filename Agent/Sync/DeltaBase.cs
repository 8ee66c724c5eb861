namespace Orleans.Profiles.Sync;

/// <summary>
/// What the next delta is encoded against: the manifest of the snapshot this workstation last synced (all its files,
/// without locations) and a copy of each hive of it as synced (hives change in place, so once Windows writes the
/// profile the old pages exist nowhere else on the machine). Kept beside the sync record; a damaged or missing piece
/// only costs the delta (the agent then sends full chunks), never a sync.
/// </summary>
internal sealed class DeltaBase(string folder)
{
    private string ManifestPath => Path.Combine(folder, "manifest");

    /// <summary>The kept manifest, or null when there is none or it is not the one the sync record names.</summary>
    public async Task<ProfileManifest?> LoadManifestAsync(string manifestHash, CancellationToken cancellationToken)
    {
        try
        {
            var manifest = ManifestCodec.Decode(await File.ReadAllBytesAsync(ManifestPath, cancellationToken));
            return manifest.ComputeHash().ToString() == manifestHash ? manifest : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidManifestException)
        {
            return null;
        }
    }

    /// <summary>The kept copy of a base file, or null: only hives (4 KiB chunks) are kept.</summary>
    public string? CopyOf(ManifestFile file) => File.Exists(CopyPath(file.Sha256)) ? CopyPath(file.Sha256) : null;

    /// <summary>
    /// Keeps <paramref name="manifest"/> (a snapshot just synced) and a copy of each of its hives from <paramref name="local"/>
    /// (profile path to local file), each copy checked against the file's SHA-256 (a hive written since is not kept); drops the rest.
    /// </summary>
    public async Task SaveAsync(ProfileManifest manifest, IReadOnlyDictionary<string, string> local, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        await AtomicFile.WriteAllBytesAsync(ManifestPath, ManifestCodec.Encode(new ProfileManifest(manifest.Files, [])), cancellationToken);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files.Where(f => f.ChunkSize == ProfileChunker.HivePageSize && f.Length > 0))
        {
            var copy = CopyPath(file.Sha256);
            keep.Add(copy);
            if (File.Exists(copy) || !local.TryGetValue(file.Path, out var source) || !File.Exists(source))
            {
                continue;
            }

            var bytes = await File.ReadAllBytesAsync(source, cancellationToken);
            if (ContentHash.Compute(bytes) == file.Sha256)
            {
                await AtomicFile.WriteAllBytesAsync(copy, bytes, cancellationToken);
            }
        }

        foreach (var stale in Directory.EnumerateFiles(folder, "*.copy").Where(f => !keep.Contains(f)))
        {
            File.Delete(stale);
        }
    }

    private string CopyPath(ContentHash sha256) => Path.Combine(folder, sha256 + ".copy");
}
