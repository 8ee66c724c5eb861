using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Orleans.Profiles.Sync;

/// <summary>
/// The logoff half of a sync: hashes the local profile, begins an upload of its manifest, sends the
/// chunks the store lacks and commits. A lost session begins again and sends only what is still missing.
/// </summary>
internal sealed partial class ProfilePush(StoreConnection store, ProfileSyncOptions options, TimeProvider time, SyncStateStore state, PullJournal journal, ILogger logger)
{
    private const int MaxRounds = 3;

    /// <summary>Test seam: called between the hash pass and the send pass (a test edits a file there).</summary>
    public Action? BeforeSend { get; set; }

    public async Task<PushResult> RunAsync(ProfileKey profile, string path, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await journal.FinishInterruptedAsync(profile, path, cancellationToken);
        var local = LocalFile.Enumerate(path, options.Filter);
        var record = await state.LoadAsync(profile, path, cancellationToken);
        var synced = record?.Files.ToDictionary(f => f.Path, f => f.Sha256, ProfilePath.Comparer);

        // The one read of each file: what the store likely lacks is kept for the send pass.
        var held = new HeldChunks(options.PushBufferBytes);
        var files = new List<ManifestFile>(local.Count);
        long bytesRead = 0;
        foreach (var file in local)
        {
            var (hashed, read) = await held.HashAsync(file, synced?.GetValueOrDefault(file.ProfilePath), cancellationToken);
            files.Add(hashed);
            bytesRead += read;
        }

        var manifest = ProfileManifest.ForUpload(files);
        var manifestHash = manifest.ComputeHash();
        var status = await store.CallAsync(f => f.GetProfile(profile).GetStatus(), cancellationToken);
        var sources = local.ToDictionary(f => f.ProfilePath, ProfilePath.Comparer);
        var deltaBase = state.DeltaBaseOf(profile, path);
        if (status.Current is { } current && current.ManifestHash == manifestHash)
        {
            await state.SaveAsync(SyncRecord.Of(profile, path, current, manifest), cancellationToken);
            if (record?.ManifestHash != current.ManifestHash.ToString())
            {
                await deltaBase.SaveAsync(manifest, sources.ToDictionary(s => s.Key, s => s.Value.FullPath, ProfilePath.Comparer), cancellationToken);
            }

            return new PushResult(profile.Value, current, Unchanged: true, AlreadyCommitted: false, manifest.Files.Length, manifest.TotalBytes, 0, 0, 0, bytesRead, time.GetElapsedTime(started));
        }

        var baseSnapshot = record?.Snapshot ?? 0;
        var request = new BeginUploadRequest(BeginUploadRequest.DeriveSessionId(manifestHash, baseSnapshot, options.Machine), manifest, manifestHash, baseSnapshot, options.Machine);

        // Against the snapshot this machine last synced, when it kept that snapshot's manifest: the changed chunks travel in the begin call.
        var baseManifest = baseSnapshot > 0 ? await deltaBase.LoadManifestAsync(record!.ManifestHash, cancellationToken) : null;
        if (baseManifest is not null)
        {
            BeforeSend?.Invoke();
        }

        var delta = baseManifest is null ? null : await EncodeDeltaAsync(baseManifest, manifest, sources, held, deltaBase, cancellationToken);
        int sentChunks = 0, totalChunks = 0;
        long sentBytes = 0;
        for (var round = 1; ; round++)
        {
            UploadSessionStatus upload;
            try
            {
                upload = delta is null
                    ? await store.CallAsync(f => f.GetProfileUpload(profile).BeginUpload(request), cancellationToken)
                    : await store.CallAsync(f => f.GetProfileUpload(profile).BeginDeltaUpload(new DeltaUploadRequest(request.SessionId, manifestHash, baseSnapshot, options.Machine, delta.Bytes)), cancellationToken);
            }
            catch (DeltaBaseUnavailableException ex)
            {
                // The base was collected: the whole manifest, and full chunks.
                LogBaseGone(logger, profile, ex.BaseSnapshot);
                delta = null;
                upload = await store.CallAsync(f => f.GetProfileUpload(profile).BeginUpload(request), cancellationToken);
            }

            if (delta is not null && round == 1)
            {
                sentChunks += delta.Chunks;
                sentBytes += delta.ContentBytes;
                held.EnsureSentFilesUnchanged();
            }

            totalChunks = Math.Max(totalChunks, upload.TotalChunks);
            try
            {
                if (upload.CommittedSnapshot == 0)
                {
                    if (baseManifest is null)
                    {
                        BeforeSend?.Invoke();
                    }

                    var (chunks, bytes, reread) = await SendAsync(profile, request.SessionId, manifest, sources, held, upload.Missing, progress, cancellationToken);
                    sentChunks += chunks;
                    sentBytes += bytes;
                    bytesRead += reread;
                    held.EnsureSentFilesUnchanged();
                }

                var commit = await store.CallAsync(f => f.GetProfileUpload(profile).CommitUpload(request.SessionId), cancellationToken);
                await state.SaveAsync(SyncRecord.Of(profile, path, commit.Snapshot, manifest), cancellationToken);
                await deltaBase.SaveAsync(manifest, sources.ToDictionary(s => s.Key, s => s.Value.FullPath, ProfilePath.Comparer), cancellationToken);
                LogPushed(logger, profile, commit.Snapshot.Number, sentChunks, sentBytes);
                return new PushResult(profile.Value, commit.Snapshot, Unchanged: false, commit.AlreadyCommitted, manifest.Files.Length, manifest.TotalBytes, totalChunks, sentChunks, sentBytes, bytesRead, time.GetElapsedTime(started), delta is null ? 0 : baseSnapshot);
            }
            catch (Exception ex) when (ex is UploadIncompleteException or UploadSessionNotFoundException && round < MaxRounds)
            {
                // The session expired or lost staged chunks (a store restored from backup): begin again and resend what is missing.
                LogRestarting(logger, profile, ex.Message);
            }
        }
    }

    /// <summary>
    /// Encodes the manifest and its changed chunks against the base (<see cref="ProfileDelta"/>): new bytes from what the hash pass
    /// kept (else read again and checked), base pages from the kept copy of the base hive, each checked against its hash. A chunk
    /// with no base page travels whole; one beyond the delta's payload as its hash, then in a put.
    /// </summary>
    private static async Task<EncodedDelta> EncodeDeltaAsync(ProfileManifest baseManifest, ProfileManifest manifest, Dictionary<string, LocalFile> sources, HeldChunks held, DeltaBase deltaBase, CancellationToken cancellationToken)
    {
        var files = manifest.Files.ToDictionary(f => f.Path, ProfilePath.Comparer);
        var baseFiles = baseManifest.Files.ToDictionary(f => f.Path, ProfilePath.Comparer);
        var bytes = new Dictionary<ContentHash, byte[]>();
        long content = 0;
        using var reader = new LocalChunkReader(FileChangedDuringSyncException.Pushed);
        using var copies = new LocalChunkReader(FileChangedDuringSyncException.Pushed);
        foreach (var change in ProfileDelta.Changes(baseManifest, manifest).DistinctBy(c => c.Hash))
        {
            if (content + change.Length > ProfileDelta.MaxPayloadBytes)
            {
                break;
            }

            var file = files[change.Path];
            if (!held.TryTake(change.Hash, out var data))
            {
                data = await reader.ReadAsync(sources[file.Path].FullPath, (long)change.Index * file.ChunkSize, change.Length, change.Hash, cancellationToken);
            }

            bytes[change.Hash] = data;
            content += data.Length;
            if (change.BaseHash is { } baseHash && !bytes.ContainsKey(baseHash) && baseFiles[change.Path] is var baseFile && deltaBase.CopyOf(baseFile) is { } copy)
            {
                try
                {
                    bytes[baseHash] = await copies.ReadAsync(copy, (long)change.Index * baseFile.ChunkSize, baseFile.ChunkLength(change.Index), baseHash, cancellationToken);
                }
                catch (FileChangedDuringSyncException)
                {
                    // A damaged copy: this chunk travels whole.
                }
            }
        }

        var encoded = ProfileDelta.Encode(baseManifest, manifest, bytes);
        var sent = ProfileDelta.Changes(baseManifest, manifest).DistinctBy(c => c.Hash).Where(c => bytes.ContainsKey(c.Hash)).ToList();
        return new EncodedDelta(encoded, sent.Count, sent.Sum(c => (long)c.Length));
    }

    private sealed record EncodedDelta(byte[] Bytes, int Chunks, long ContentBytes);

    /// <summary>Sends the missing chunks, from memory when the hash pass kept them, else read again and checked.</summary>
    private async Task<(int Chunks, long Bytes, long BytesRead)> SendAsync(
        ProfileKey profile,
        Guid sessionId,
        ProfileManifest manifest,
        Dictionary<string, LocalFile> sources,
        HeldChunks held,
        ImmutableArray<ContentHash> missing,
        IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        var where = new Dictionary<ContentHash, (LocalFile File, long Offset, int Length)>();
        foreach (var file in manifest.Files)
        {
            for (var i = 0; i < file.Chunks.Length; i++)
            {
                where.TryAdd(file.Chunks[i], (sources[file.Path], (long)i * file.ChunkSize, file.ChunkLength(i)));
            }
        }

        var total = missing.Sum(h => (long)where[h].Length);
        var throttle = new BandwidthThrottle(options.BandwidthLimit, time);
        using var reader = new LocalChunkReader(FileChangedDuringSyncException.Pushed);
        int sent = 0;
        long bytes = 0, reread = 0;
        progress?.Report(new TransferProgress("push", 0, total, 0, missing.Length));
        foreach (var batch in ChunkBatches.Of(missing, options.BatchBytes, h => where[h].Length))
        {
            var payload = ImmutableArray.CreateBuilder<ChunkPayload>(batch.Count);
            foreach (var hash in batch)
            {
                if (!held.TryTake(hash, out var data))
                {
                    var (file, offset, length) = where[hash];
                    data = await reader.ReadAsync(file.FullPath, offset, length, hash, cancellationToken);
                    reread += length;
                }

                payload.Add(new ChunkPayload(hash, data));
            }

            var chunks = payload.MoveToImmutable();
            var compressed = CompressedChunks.Of([.. chunks.Select(c => (c.Hash, c.Data))]);
            await store.CallAsync(f => f.GetProfileUpload(profile).PutCompressedChunks(sessionId, compressed), cancellationToken);
            var batchBytes = chunks.Sum(c => (long)c.Data.Length);
            sent += chunks.Length;
            bytes += batchBytes;
            progress?.Report(new TransferProgress("push", bytes, total, sent, missing.Length));
            await throttle.ConsumeAsync(batchBytes, cancellationToken);
        }

        return (sent, bytes, reread);
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Pushed {Profile}: snapshot {Snapshot}, {Chunks} chunk(s) / {Bytes} bytes sent")]
    private static partial void LogPushed(ILogger logger, ProfileKey profile, int snapshot, int chunks, long bytes);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Snapshot {Snapshot} of {Profile}, the base of this push, is no longer in the store: sending full chunks")]
    private static partial void LogBaseGone(ILogger logger, ProfileKey profile, int snapshot);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Upload of {Profile} begins again: {Reason}")]
    private static partial void LogRestarting(ILogger logger, ProfileKey profile, string reason);
}
