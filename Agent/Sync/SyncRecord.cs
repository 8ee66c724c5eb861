namespace Orleans.Profiles.Sync;

/// <summary>What this workstation last synced for one user and local path: the base of its next push.</summary>
public sealed record SyncRecord(string Profile, string LocalPath, int Snapshot, string ManifestHash, IReadOnlyList<SyncedFile> Files)
{
    internal static SyncRecord Of(ProfileKey profile, string path, SnapshotInfo snapshot, ProfileManifest manifest)
        => new(profile.Value, Path.GetFullPath(path), snapshot.Number, snapshot.ManifestHash.ToString(), [.. manifest.Files.Select(f => new SyncedFile(f.Path, f.Length, f.Sha256.ToString()))]);
}
