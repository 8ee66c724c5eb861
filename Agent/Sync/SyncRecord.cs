namespace Orleans.Profiles.Sync;

/// <summary>What this workstation last synced for one user and local path: the base of its next push.</summary>
public sealed record SyncRecord(string Profile, string LocalPath, int Snapshot, string ManifestHash, IReadOnlyList<SyncedFile> Files);
