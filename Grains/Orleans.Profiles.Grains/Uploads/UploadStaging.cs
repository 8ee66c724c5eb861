using System.Collections.Immutable;
using Orleans.Profiles.Commit;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Telemetry;

namespace Orleans.Profiles.Uploads;

/// <summary>
/// The staging side of one profile's uploads: each open session's manifest and work set, and its verified
/// chunks in the pack store. Grain state (which sessions are open) stays the grain's: this type never writes it.
/// </summary>
internal sealed class UploadStaging(ProfileKey profile, IPackStore packs, IManifestStore manifests, ProfileStoreMetrics metrics)
{
    private readonly Dictionary<Guid, UploadWorkSet> _work = [];

    /// <summary>Stores a new session's manifest; called before the session is recorded, so a recorded session always has one.</summary>
    public Task StoreManifestAsync(Guid sessionId, ProfileManifest manifest)
        => manifests.WriteAsync(profile, ManifestName.ForSession(sessionId), manifest);

    /// <summary>
    /// The session's work set: kept by this activation, or rebuilt from the stores after a restart.
    /// <paramref name="received"/> is the manifest a begin just stored: kept as it is rather than read back.
    /// </summary>
    public async Task<UploadWorkSet> GetAsync(UploadSession session, ProfileManifest? received = null)
    {
        if (_work.TryGetValue(session.Id, out var work))
        {
            return work;
        }

        var manifest = received ?? await manifests.ReadAsync(profile, ManifestName.ForSession(session.Id))
            ?? throw new InvalidOperationException($"The manifest of upload session {session.Id:N} of {profile} is missing from the store.");
        var index = session.IndexSnapshot == 0 ? null : await manifests.ReadAsync(profile, ManifestName.ForSnapshot(session.IndexSnapshot));
        // After a restart the staging file is scanned and every record hashed: off the grain's turn.
        work = new UploadWorkSet(manifest, index, await Task.Run(() => packs.GetStagedAsync(profile, session.Id)));
        _work[session.Id] = work;
        return work;
    }

    /// <summary>Verifies a whole batch, then stages the chunks still missing: a bad batch changes nothing. Returns how many were staged.</summary>
    public async Task<int> StageAsync(Guid sessionId, UploadWorkSet work, ImmutableArray<ChunkPayload> chunks, int maxBatchBytes)
    {
        var batchBytes = chunks.Sum(c => (long)(c?.Data?.Length ?? 0));
        if (batchBytes > maxBatchBytes)
        {
            throw new RequestLimitException("the batch size in bytes", batchBytes, maxBatchBytes);
        }

        // Hashing a batch is pure work on immutable inputs (the batch, the manifest's needs): off the grain's turn.
        var needed = work.Needed;
        if (await Task.Run(() => chunks.Select(c => SnapshotVerifier.CheckChunk(c, needed)).FirstOrDefault(r => r is not null)) is { } rejection)
        {
            metrics.ChunksRejected.Add(1);
            throw rejection;
        }

        var fresh = new List<ChunkPayload>(chunks.Length);
        var inBatch = new HashSet<ContentHash>();
        foreach (var chunk in chunks)
        {
            if (work.IsMissing(chunk!.Hash) && inBatch.Add(chunk.Hash))
            {
                fresh.Add(chunk);
            }
        }

        if (fresh.Count == 0)
        {
            return 0;
        }

        try
        {
            // Compressing the records and the durable append (an fsync) hold no activation.
            await Task.Run(() => packs.StageAsync(profile, sessionId, fresh));
        }
        catch
        {
            // A failed append may have left part of the batch or a torn record behind: forget what
            // this activation believes is staged, so the next call rescans (and repairs) the store.
            _work.Remove(sessionId);
            throw;
        }

        work.Staged.UnionWith(inBatch);
        metrics.BytesStaged.Add(fresh.Sum(c => (long)c.Data.Length));
        return fresh.Count;
    }

    /// <summary>Makes the session's staged chunks a pack and returns the session's manifest with every chunk located, and how many chunks are new.</summary>
    public async Task<(ProfileManifest Manifest, int NewChunks)> CommitPackAsync(Guid sessionId, UploadWorkSet work)
    {
        var staged = await Task.Run(() => packs.CommitAsync(profile, sessionId));
        var located = staged.ToDictionary(l => l.Hash);
        foreach (var (hash, location) in work.Known)
        {
            located.TryAdd(hash, location);
        }

        return (work.Manifest.WithLocations([.. work.Needed.Keys.Select(h => located[h])]), staged.Length);
    }

    /// <summary>After a commit: the session's manifest is now a snapshot's, and its work set is done.</summary>
    public async Task CompleteAsync(Guid sessionId)
    {
        _work.Remove(sessionId);
        await manifests.DeleteAsync(profile, ManifestName.ForSession(sessionId));
    }

    /// <summary>Removes what a session staged and its manifest (it was aborted, superseded, expired or refused).</summary>
    public async Task DiscardAsync(Guid sessionId)
    {
        _work.Remove(sessionId);
        await packs.DiscardAsync(profile, sessionId);
        await manifests.DeleteAsync(profile, ManifestName.ForSession(sessionId));
    }

    /// <summary>Forgets every work set, so each is rebuilt from the stores (after grain state was reloaded).</summary>
    public void Clear() => _work.Clear();
}
