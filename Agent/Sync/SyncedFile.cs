namespace Orleans.Profiles.Sync;

public sealed record SyncedFile(string Path, long Length, string Sha256);
