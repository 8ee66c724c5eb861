namespace Orleans.Profiles.Sync;

/// <summary>
/// A cheap look for changes since the last sync, from the directory alone (no file is read): a file added,
/// removed, of another length, or written after the sync record. The service's sweep asks it every few
/// minutes for every user, so a profile nobody touched costs no call to the store.
/// </summary>
public static class LocalChanges
{
    public static async Task<bool> SinceLastSyncAsync(SyncStateStore state, ProfileKey profile, string path, ProfileFilter filter, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            return false;
        }

        var record = await state.LoadAsync(profile, path, cancellationToken);
        if (record is null || state.SyncedAtUtc(profile, path) is not { } syncedAt)
        {
            return true;
        }

        var synced = record.Files.ToDictionary(f => f.Path, Profiles.ProfilePath.Comparer);
        var local = LocalFile.Enumerate(path, filter);
        if (local.Count != synced.Count)
        {
            return true;
        }

        foreach (var file in local)
        {
            var info = new FileInfo(file.FullPath);
            if (!synced.TryGetValue(file.ProfilePath, out var was) || was.Length != info.Length || info.LastWriteTimeUtc > syncedAt)
            {
                return true;
            }
        }

        return false;
    }
}
