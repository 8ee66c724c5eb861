using System.Collections.Immutable;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Orleans.Profiles.Sync;

/// <summary>
/// Pushes a workstation's profile to the store at logoff and pulls the last committed snapshot at
/// logon, moving only the chunks the other side lacks. Every store call is idempotent and retried
/// through <see cref="StoreConnection"/>, so a lost connection resumes the transfer, never restarts it.
/// </summary>
public sealed partial class ProfileSyncClient(StoreConnection store, ProfileSyncOptions options, TimeProvider time, ILogger<ProfileSyncClient> logger)
{
    private const int MaxRounds = 3;
    private readonly SyncStateStore _state = new(options.StateDirectory);

    /// <summary>Test seam: called after each file of a pull is moved into place (a test throws from it to stand for a kill).</summary>
    internal Action<string>? AfterMove { get; set; }

    public Task<ProfileStatus> GetStatusAsync(ProfileKey profile, CancellationToken cancellationToken)
        => store.CallAsync(f => f.GetProfile(profile).GetStatus(), cancellationToken);

    public Task<ImmutableArray<SnapshotInfo>> GetHistoryAsync(ProfileKey profile, CancellationToken cancellationToken)
        => store.CallAsync(f => f.GetProfile(profile).GetHistory(), cancellationToken);

    public Task<CommitResult> RestoreAsync(ProfileKey profile, int snapshot, CancellationToken cancellationToken)
        => store.CallAsync(f => f.GetProfile(profile).Restore(snapshot, options.Machine), cancellationToken);

    public Task<GarbageCollectionResult> CollectGarbageAsync(ProfileKey profile, CancellationToken cancellationToken)
        => store.CallAsync(f => f.GetProfile(profile).CollectGarbage(), cancellationToken);

    public Task<SyncRecord?> GetSyncRecordAsync(ProfileKey profile, string path, CancellationToken cancellationToken)
        => _state.LoadAsync(profile, path, cancellationToken);

    public async Task<PushResult> PushAsync(ProfileKey profile, string path, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await FinishInterruptedPullAsync(profile, path, cancellationToken);
        var local = LocalFile.Enumerate(path);
        var files = new List<ManifestFile>(local.Count);
        foreach (var file in local)
        {
            files.Add(await file.HashAsync(cancellationToken));
        }

        var manifest = ProfileManifest.ForUpload(files);
        var manifestHash = manifest.ComputeHash();
        var record = await _state.LoadAsync(profile, path, cancellationToken);
        var status = await GetStatusAsync(profile, cancellationToken);
        if (status.Current is { } current && current.ManifestHash == manifestHash)
        {
            await SaveRecordAsync(profile, path, current, manifest, cancellationToken);
            return new PushResult(profile.Value, current, Unchanged: true, AlreadyCommitted: false, manifest.Files.Length, manifest.TotalBytes, 0, 0, 0, time.GetElapsedTime(started));
        }

        var baseSnapshot = record?.Snapshot ?? 0;
        var request = new BeginUploadRequest(BeginUploadRequest.DeriveSessionId(manifestHash, baseSnapshot, options.Machine), manifest, manifestHash, baseSnapshot, options.Machine);
        var sources = local.ToDictionary(f => f.ProfilePath, ProfilePath.Comparer);
        int sentChunks = 0, totalChunks = 0;
        long sentBytes = 0;
        for (var round = 1; ; round++)
        {
            var upload = await store.CallAsync(f => f.GetProfileUpload(profile).BeginUpload(request), cancellationToken);
            totalChunks = Math.Max(totalChunks, upload.TotalChunks);
            try
            {
                if (upload.CommittedSnapshot == 0)
                {
                    var (chunks, bytes) = await SendAsync(profile, request.SessionId, manifest, sources, upload.Missing, progress, cancellationToken);
                    sentChunks += chunks;
                    sentBytes += bytes;
                }

                var commit = await store.CallAsync(f => f.GetProfileUpload(profile).CommitUpload(request.SessionId), cancellationToken);
                await SaveRecordAsync(profile, path, commit.Snapshot, manifest, cancellationToken);
                LogPushed(logger, profile, commit.Snapshot.Number, sentChunks, sentBytes);
                return new PushResult(profile.Value, commit.Snapshot, Unchanged: false, commit.AlreadyCommitted, manifest.Files.Length, manifest.TotalBytes, totalChunks, sentChunks, sentBytes, time.GetElapsedTime(started));
            }
            catch (Exception ex) when (ex is UploadIncompleteException or UploadSessionNotFoundException && round < MaxRounds)
            {
                // The session expired or lost staged chunks (a store restored from backup): begin again and resend what is missing.
                LogRestarting(logger, profile, ex.Message);
            }
        }
    }

    private async Task<(int Chunks, long Bytes)> SendAsync(
        ProfileKey profile,
        Guid sessionId,
        ProfileManifest manifest,
        Dictionary<string, LocalFile> sources,
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
        using var handles = new HandleCache();
        int sent = 0;
        long bytes = 0;
        progress?.Report(new TransferProgress("push", 0, total, 0, missing.Length));
        foreach (var batch in Batch(missing, h => where[h].Length))
        {
            var payload = ImmutableArray.CreateBuilder<ChunkPayload>(batch.Count);
            foreach (var hash in batch)
            {
                var (file, offset, length) = where[hash];
                var data = new byte[length];
                var read = await RandomAccess.ReadAsync(handles.Open(file.FullPath), data, offset, cancellationToken);
                if (read != length || ContentHash.Compute(data) != hash)
                {
                    throw new LocalFileChangedException(file.FullPath);
                }

                payload.Add(new ChunkPayload(hash, data));
            }

            var chunks = payload.MoveToImmutable();
            await store.CallAsync(f => f.GetProfileUpload(profile).PutChunks(sessionId, chunks), cancellationToken);
            var batchBytes = chunks.Sum(c => (long)c.Data.Length);
            sent += chunks.Length;
            bytes += batchBytes;
            progress?.Report(new TransferProgress("push", bytes, total, sent, missing.Length));
            await throttle.ConsumeAsync(batchBytes, cancellationToken);
        }

        return (sent, bytes);
    }

    public async Task<PullResult> PullAsync(ProfileKey profile, string path, int snapshotNumber, bool force, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await FinishInterruptedPullAsync(profile, path, cancellationToken);
        var snapshot = await store.CallAsync(f => f.GetProfile(profile).GetSnapshot(snapshotNumber), cancellationToken);
        var manifest = snapshot.Manifest;
        var targets = ResolveTargets(path, manifest);
        RemoveInterruptedWrites(targets);

        var record = await _state.LoadAsync(profile, path, cancellationToken);
        var synced = record?.Files.ToDictionary(f => f.Path, ProfilePath.Comparer);
        var localIndex = new Dictionary<ContentHash, (string Path, long Offset, int Length)>();
        var toWrite = new List<(ManifestFile File, string Target)>();
        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        var changedLocally = new List<string>();
        foreach (var (file, target) in targets)
        {
            if (!File.Exists(target))
            {
                toWrite.Add((file, target));
                continue;
            }

            var existing = await new LocalFile(file.Path, target).HashAsync(cancellationToken);
            if (existing.Sha256 == file.Sha256)
            {
                continue;
            }

            if (synced is not null && !(synced.TryGetValue(file.Path, out var last) && last.Sha256 == existing.Sha256.ToString()))
            {
                changedLocally.Add(file.Path);
            }

            for (var i = 0; i < existing.Chunks.Length; i++)
            {
                localIndex.TryAdd(existing.Chunks[i], (target, (long)i * existing.ChunkSize, existing.ChunkLength(i)));
            }

            before[target] = existing.Sha256.ToString();
            toWrite.Add((file, target));
        }

        // Files this workstation synced before that the snapshot no longer has were deleted elsewhere.
        var toDelete = new List<PendingFile>();
        if (synced is not null && targets.Count > 0)
        {
            var root = FolderRoot(path, targets);
            var kept = manifest.Files.Select(f => f.Path).ToHashSet(ProfilePath.Comparer);
            foreach (var gone in synced.Values.Where(f => !kept.Contains(f.Path)))
            {
                var target = ProfilePath.ToLocal(root, gone.Path);
                if (File.Exists(target))
                {
                    var existing = await new LocalFile(gone.Path, target).HashAsync(cancellationToken);
                    if (existing.Sha256.ToString() == gone.Sha256)
                    {
                        toDelete.Add(new PendingFile(gone.Path, target, null, null, gone.Sha256));
                    }
                    else
                    {
                        changedLocally.Add(gone.Path);
                    }
                }
            }
        }

        if (changedLocally.Count > 0 && !force)
        {
            throw new LocalChangesException(changedLocally);
        }

        var (fetchedChunks, fetchedBytes, built) = await WriteFilesAsync(profile, manifest, toWrite, localIndex, progress, cancellationToken);
        PendingFile[] replaced = [.. built.Select(b => new PendingFile(b.File.Path, b.Target, b.Temporary, b.File.Sha256.ToString(), before.GetValueOrDefault(b.Target)))];
        var pending = new PendingPull(RecordOf(profile, path, snapshot.Info, manifest), [.. replaced, .. toDelete]);
        if (pending.Files.Count == 0)
        {
            // Nothing to move or delete (the usual logon on the same machine): no journal, no extra fsyncs.
            await _state.SaveAsync(pending.Record, cancellationToken);
        }
        else
        {
            try
            {
                await _state.SavePendingAsync(pending, cancellationToken);
            }
            catch
            {
                DeleteTemporaries(replaced.Select(r => r.Temporary));
                throw;
            }

            // From here on the journal finishes the pull if this run does not: a cut between two renames never leaves two snapshots mixed.
            await FinishPullAsync(profile, path, pending, recovering: false, cancellationToken);
        }

        LogPulled(logger, profile, snapshot.Info.Number, toWrite.Count, fetchedChunks, fetchedBytes);
        return new PullResult(profile.Value, snapshot.Info, manifest.Files.Length, toWrite.Count, toDelete.Count, manifest.TotalBytes, fetchedChunks, fetchedBytes, time.GetElapsedTime(started));
    }

    /// <summary>
    /// Builds every changed file as a temporary file beside its target, verified chunk by chunk and
    /// as a whole and flushed to disk; an interrupted build leaves every old file as it was. The
    /// caller renames them into place (see <see cref="FinishPullAsync"/>).
    /// </summary>
    private async Task<(int Chunks, long Bytes, List<(ManifestFile File, string Target, string Temporary)> Built)> WriteFilesAsync(
        ProfileKey profile,
        ProfileManifest manifest,
        List<(ManifestFile File, string Target)> toWrite,
        Dictionary<ContentHash, (string Path, long Offset, int Length)> localIndex,
        IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        var locations = manifest.Locations.DistinctBy(l => l.Hash).ToDictionary(l => l.Hash);
        var remote = toWrite.SelectMany(w => w.File.Chunks).Where(h => !localIndex.ContainsKey(h)).Distinct().ToList();
        var total = remote.Sum(h => locations.TryGetValue(h, out var l) ? (long)l.Length : 0);
        var throttle = new BandwidthThrottle(options.BandwidthLimit, time);
        var temporaries = new List<(ManifestFile File, string Target, string Temporary)>();
        int fetched = 0;
        long bytes = 0;
        progress?.Report(new TransferProgress("pull", 0, total, 0, remote.Count));
        try
        {
            using (var handles = new HandleCache())
            {
                foreach (var (file, target) in toWrite)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    var temporary = AtomicFile.TemporaryPathFor(target);
                    temporaries.Add((file, target, temporary));
                    await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1024 * 1024, FileOptions.Asynchronous);
                    using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    foreach (var batch in Batch(file.Chunks, h => localIndex.ContainsKey(h) ? 0 : Locate(locations, h).Length))
                    {
                        var needed = batch.Where(h => !localIndex.ContainsKey(h)).Distinct().ToList();
                        var fromStore = new Dictionary<ContentHash, byte[]>();
                        if (needed.Count > 0)
                        {
                            ImmutableArray<ChunkLocation> asked = [.. needed.Select(h => Locate(locations, h))];
                            var data = await store.CallAsync(f => f.GetChunkReader(profile).ReadChunks(asked), cancellationToken);
                            for (var i = 0; i < needed.Count; i++)
                            {
                                fromStore[needed[i]] = ContentHash.Compute(data[i]) == needed[i]
                                    ? data[i]
                                    : throw new SnapshotVerificationException($"Chunk {needed[i]} of \"{file.Path}\" read from the store does not match its hash.");
                            }

                            var batchBytes = data.Sum(d => (long)d.Length);
                            fetched += needed.Count;
                            bytes += batchBytes;
                            progress?.Report(new TransferProgress("pull", bytes, total, fetched, remote.Count));
                            await throttle.ConsumeAsync(batchBytes, cancellationToken);
                        }

                        foreach (var hash in batch)
                        {
                            var chunk = fromStore.TryGetValue(hash, out var data) ? data : await ReadLocalAsync(handles, localIndex[hash], hash, cancellationToken);
                            fileHash.AppendData(chunk);
                            await output.WriteAsync(chunk, cancellationToken);
                        }
                    }

                    if (output.Length != file.Length || ContentHash.FromBytes(fileHash.GetHashAndReset()) != file.Sha256)
                    {
                        throw new SnapshotVerificationException($"\"{file.Path}\" rebuilt from the snapshot does not match its SHA-256.");
                    }

                    await output.FlushAsync(cancellationToken);
                    output.Flush(flushToDisk: true);
                }
            }
        }
        catch
        {
            DeleteTemporaries(temporaries.Select(t => t.Temporary));
            throw;
        }

        return (fetched, bytes, temporaries);
    }

    /// <summary>Finishes a pull this workstation started for this user and path but did not finish (killed, powered off).</summary>
    private async Task FinishInterruptedPullAsync(ProfileKey profile, string path, CancellationToken cancellationToken)
    {
        if (await _state.LoadPendingAsync(profile, path, cancellationToken) is { } pending)
        {
            await FinishPullAsync(profile, path, pending, recovering: true, cancellationToken);
        }
    }

    /// <summary>
    /// Moves a pull's verified files into place, deletes the files its snapshot no longer has, saves
    /// the sync record, then drops the journal. Run again after an interruption it does what is left:
    /// a temporary already moved is gone, and a file changed since the pull began is kept as the user
    /// left it (it then shows as a local change) instead of being overwritten.
    /// </summary>
    private async Task FinishPullAsync(ProfileKey profile, string path, PendingPull pending, bool recovering, CancellationToken cancellationToken)
    {
        var kept = 0;
        foreach (var file in pending.Files)
        {
            if (file.Temporary is null)
            {
                if (File.Exists(file.Target) && (!recovering || await HashOfAsync(file.Path, file.Target, cancellationToken) == file.Before))
                {
                    File.Delete(file.Target);
                }

                continue;
            }

            if (!File.Exists(file.Temporary))
            {
                continue;
            }

            if (recovering && (await HashOfAsync(file.Path, file.Temporary, cancellationToken) != file.Sha256
                || (File.Exists(file.Target) ? await HashOfAsync(file.Path, file.Target, cancellationToken) : null) != file.Before))
            {
                File.Delete(file.Temporary);
                kept++;
                continue;
            }

            AtomicFile.MoveDurably(file.Temporary, file.Target);
            AfterMove?.Invoke(file.Target);
        }

        await _state.SaveAsync(pending.Record, cancellationToken);
        _state.DeletePending(profile, path);
        if (recovering)
        {
            LogFinishedInterruptedPull(logger, profile, pending.Record.Snapshot, kept);
        }
    }

    private static async Task<string> HashOfAsync(string profilePath, string fullPath, CancellationToken cancellationToken)
        => (await new LocalFile(profilePath, fullPath).HashAsync(cancellationToken)).Sha256.ToString();

    private static void DeleteTemporaries(IEnumerable<string?> temporaries)
    {
        foreach (var temporary in temporaries.OfType<string>())
        {
            File.Delete(temporary);
        }
    }

    private static async Task<byte[]> ReadLocalAsync(HandleCache handles, (string Path, long Offset, int Length) at, ContentHash hash, CancellationToken cancellationToken)
    {
        var data = new byte[at.Length];
        var read = await RandomAccess.ReadAsync(handles.Open(at.Path), data, at.Offset, cancellationToken);
        return read == at.Length && ContentHash.Compute(data) == hash
            ? data
            : throw new LocalFileChangedException(at.Path);
    }

    private static ChunkLocation Locate(Dictionary<ContentHash, ChunkLocation> locations, ContentHash hash)
        => locations.TryGetValue(hash, out var location)
            ? location
            : throw new SnapshotVerificationException($"The snapshot's manifest does not say where chunk {hash} is.");

    /// <summary>
    /// Where each file of the snapshot goes. <paramref name="path"/> is a folder, unless it names an
    /// existing file, or a new file with the same name as a one-file snapshot's only file.
    /// </summary>
    internal static List<(ManifestFile File, string Target)> ResolveTargets(string path, ProfileManifest manifest)
    {
        var full = Path.GetFullPath(path);
        var isFile = File.Exists(full)
            || (!Directory.Exists(full) && !Path.EndsInDirectorySeparator(path) && manifest.Files.Length == 1
                && string.Equals(Path.GetFileName(full), manifest.Files[0].Path, StringComparison.OrdinalIgnoreCase));
        if (isFile)
        {
            return manifest.Files.Length == 1
                ? [(manifest.Files[0], full)]
                : throw new InvalidManifestException($"the snapshot has {manifest.Files.Length} files but \"{path}\" is a file: pull into a folder");
        }

        // Every path is checked before anything is written: a hostile manifest cannot reach outside the folder.
        return [.. manifest.Files.Select(f => (f, ProfilePath.ToLocal(full, f.Path)))];
    }

    private static string FolderRoot(string path, List<(ManifestFile File, string Target)> targets)
        => targets is [var (file, target)] && string.Equals(Path.GetFullPath(path), target, StringComparison.Ordinal) && !Directory.Exists(target)
            ? Path.GetDirectoryName(target)!
            : Path.GetFullPath(path);

    /// <summary>Deletes temporary files left by an interrupted pull beside the targets.</summary>
    private static void RemoveInterruptedWrites(List<(ManifestFile File, string Target)> targets)
    {
        foreach (var directory in targets.Select(t => Path.GetDirectoryName(t.Target)!).Distinct().Where(Directory.Exists))
        {
            foreach (var stale in Directory.EnumerateFiles(directory, "*" + AtomicFile.TemporarySuffix))
            {
                File.Delete(stale);
            }
        }
    }

    private Task SaveRecordAsync(ProfileKey profile, string path, SnapshotInfo snapshot, ProfileManifest manifest, CancellationToken cancellationToken)
        => _state.SaveAsync(RecordOf(profile, path, snapshot, manifest), cancellationToken);

    private static SyncRecord RecordOf(ProfileKey profile, string path, SnapshotInfo snapshot, ProfileManifest manifest)
        => new(profile.Value, Path.GetFullPath(path), snapshot.Number, snapshot.ManifestHash.ToString(), [.. manifest.Files.Select(f => new SyncedFile(f.Path, f.Length, f.Sha256.ToString()))]);

    /// <summary>Groups items into batches of about <see cref="ProfileSyncOptions.BatchBytes"/>, counting only what crosses the network.</summary>
    private IEnumerable<List<ContentHash>> Batch(IEnumerable<ContentHash> hashes, Func<ContentHash, int> networkBytes)
    {
        var batch = new List<ContentHash>();
        long size = 0;
        foreach (var hash in hashes)
        {
            var bytes = networkBytes(hash);
            if (batch.Count > 0 && size + bytes > options.BatchBytes)
            {
                yield return batch;
                batch = [];
                size = 0;
            }

            batch.Add(hash);
            size += bytes;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>Read handles opened once per file for the length of a transfer.</summary>
    private sealed class HandleCache : IDisposable
    {
        private readonly Dictionary<string, SafeFileHandle> _handles = new(StringComparer.Ordinal);

        public SafeFileHandle Open(string path)
        {
            if (!_handles.TryGetValue(path, out var handle))
            {
                handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
                _handles[path] = handle;
            }

            return handle;
        }

        public void Dispose()
        {
            foreach (var handle in _handles.Values)
            {
                handle.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pushed {Profile}: snapshot {Snapshot}, {Chunks} chunk(s) / {Bytes} bytes sent")]
    private static partial void LogPushed(ILogger logger, ProfileKey profile, int snapshot, int chunks, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulled {Profile}: snapshot {Snapshot}, {Files} file(s) written, {Chunks} chunk(s) / {Bytes} bytes fetched")]
    private static partial void LogPulled(ILogger logger, ProfileKey profile, int snapshot, int files, int chunks, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Finished the pull of {Profile} snapshot {Snapshot} that an earlier run left half done; {Kept} file(s) changed since were kept as they were")]
    private static partial void LogFinishedInterruptedPull(ILogger logger, ProfileKey profile, int snapshot, int kept);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upload of {Profile} begins again: {Reason}")]
    private static partial void LogRestarting(ILogger logger, ProfileKey profile, string reason);
}
