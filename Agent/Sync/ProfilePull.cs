using System.Collections.Immutable;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Orleans.Profiles.Sync;

/// <summary>
/// The logon half of a sync: builds the files of a committed snapshot beside their targets from the
/// chunks already in local files and those fetched from the store, then hands them to the
/// <see cref="PullJournal"/> to move into place. Local changes never pushed stop it unless forced.
/// </summary>
internal sealed partial class ProfilePull(StoreConnection store, ProfileSyncOptions options, TimeProvider time, SyncStateStore state, PullJournal journal, ILogger logger)
{
    /// <summary>Test seam: called once the local files are hashed, before the new ones are built from them (a test edits a file there).</summary>
    public Action? BeforeBuild { get; set; }

    public async Task<PullResult> RunAsync(ProfileKey profile, string path, int snapshotNumber, bool force, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await journal.FinishInterruptedAsync(profile, path, cancellationToken);
        var record = await state.LoadAsync(profile, path, cancellationToken);
        var deltaBase = state.DeltaBaseOf(profile, path);
        var (snapshot, delivered, encodedAgainst) = await ReadSnapshotAsync(profile, path, snapshotNumber, record, deltaBase, cancellationToken);
        var manifest = snapshot.Manifest;
        var all = ResolveTargets(path, manifest);

        // A folder gets only what roams here; the local files the filter excludes are never written or deleted. A one-file pull writes the file it names.
        var oneFile = all is [var (_, only)] && only == Path.GetFullPath(path);
        bool Roams(string profilePath) => oneFile || options.Filter.Roams(profilePath);
        var targets = all.Where(t => Roams(t.File.Path)).ToList();
        var roaming = manifest with { Files = [.. manifest.Files.Where(f => Roams(f.Path))] };
        RemoveInterruptedWrites(targets);

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
        if (synced is not null && all.Count > 0)
        {
            var root = FolderRoot(path, all);
            var kept = manifest.Files.Select(f => f.Path).ToHashSet(ProfilePath.Comparer);
            foreach (var gone in synced.Values.Where(f => !kept.Contains(f.Path) && Roams(f.Path)))
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
            throw new UnpushedChangesException(changedLocally);
        }

        // A chunk the delta left unchanged must be in a local file; when one is not (a file deleted here), its location comes from the whole snapshot.
        if (delivered.Count > 0 || manifest.Locations.Length < manifest.Files.Sum(f => f.Chunks.Length))
        {
            var located = manifest.Locations.Select(l => l.Hash).ToHashSet();
            if (toWrite.SelectMany(w => w.File.Chunks).Any(h => !localIndex.ContainsKey(h) && !delivered.ContainsKey(h) && !located.Contains(h)))
            {
                manifest = manifest with { Locations = (await store.CallAsync(f => f.GetProfile(profile).GetSnapshot(snapshot.Info.Number), cancellationToken)).Manifest.Locations };
            }
        }

        BeforeBuild?.Invoke();
        var (fetchedChunks, fetchedBytes, built) = await WriteFilesAsync(profile, manifest, toWrite, localIndex, delivered, progress, cancellationToken);
        PendingFile[] replaced = [.. built.Select(b => new PendingFile(b.File.Path, b.Target, b.Temporary, b.File.Sha256.ToString(), before.GetValueOrDefault(b.Target)))];
        var pending = new PendingPull(SyncRecord.Of(profile, path, snapshot.Info, roaming), [.. replaced, .. toDelete]);
        if (pending.Files.Count == 0)
        {
            // Nothing to move or delete (the usual logon on the same machine): no journal, no extra fsyncs.
            await state.SaveAsync(pending.Record, cancellationToken);
        }
        else
        {
            await journal.RunAsync(profile, path, pending, cancellationToken);
        }

        await deltaBase.SaveAsync(manifest, targets.ToDictionary(t => t.File.Path, t => t.Target, ProfilePath.Comparer), cancellationToken);
        LogPulled(logger, profile, snapshot.Info.Number, toWrite.Count, fetchedChunks, fetchedBytes);
        return new PullResult(profile.Value, snapshot.Info, roaming.Files.Length, toWrite.Count, toDelete.Count, roaming.TotalBytes, fetchedChunks, fetchedBytes, time.GetElapsedTime(started), encodedAgainst);
    }

    /// <summary>
    /// The snapshot to pull: encoded against the base this workstation kept when the store still has that base (the changed
    /// chunks arrive with it, rebuilt here from the local base pages and checked by the snapshot's manifest hash), else whole.
    /// </summary>
    private async Task<(Snapshot Snapshot, Dictionary<ContentHash, byte[]> Delivered, int DeltaBase)> ReadSnapshotAsync(
        ProfileKey profile, string path, int number, SyncRecord? record, DeltaBase deltaBase, CancellationToken cancellationToken)
    {
        if (record is { Snapshot: > 0 } && await deltaBase.LoadManifestAsync(record.ManifestHash, cancellationToken) is { } baseManifest)
        {
            var answer = await store.CallAsync(f => f.GetProfile(profile).GetSnapshotDelta(number, record.Snapshot), cancellationToken);
            if (answer.Delta is not null)
            {
                ProfileDelta delta;
                try
                {
                    delta = ProfileDelta.Read(answer.Delta, baseManifest);
                }
                catch (DeltaRejectedException ex)
                {
                    throw new SnapshotVerificationException($"The delta of snapshot {answer.Info.Number} read from the store is damaged: {ex.Reason}.");
                }

                if (await ReadBasePagesAsync(path, baseManifest, delta.BaseChunks, deltaBase, cancellationToken) is { } pages)
                {
                    var (files, chunks) = Rebuild(delta, pages, answer.Info.Number);
                    var manifest = new ProfileManifest(files, delta.Locations);
                    return manifest.ComputeHash() == answer.Info.ManifestHash
                        ? (new Snapshot(answer.Info, manifest), chunks, record.Snapshot)
                        : throw new SnapshotVerificationException($"The delta of snapshot {answer.Info.Number} read from the store does not rebuild to its manifest hash.");
                }

                number = answer.Info.Number;
            }
        }

        return (await store.CallAsync(f => f.GetProfile(profile).GetSnapshot(number), cancellationToken), [], 0);
    }

    private static (ImmutableArray<ManifestFile> Files, Dictionary<ContentHash, byte[]> Chunks) Rebuild(ProfileDelta delta, Dictionary<ContentHash, byte[]> pages, int number)
    {
        try
        {
            return delta.Rebuild(pages);
        }
        catch (DeltaRejectedException ex)
        {
            throw new SnapshotVerificationException($"The delta of snapshot {number} read from the store is damaged: {ex.Reason}.");
        }
    }

    /// <summary>The base pages a delta was compressed against, from the local files (or the kept hive copies), each checked; null when one is not here.</summary>
    private static async Task<Dictionary<ContentHash, byte[]>?> ReadBasePagesAsync(string path, ProfileManifest baseManifest, IReadOnlyList<ContentHash> wanted, DeltaBase deltaBase, CancellationToken cancellationToken)
    {
        var pages = new Dictionary<ContentHash, byte[]>();
        if (wanted.Count == 0)
        {
            return pages;
        }

        var where = new Dictionary<ContentHash, (ManifestFile File, int Index)>();
        foreach (var file in baseManifest.Files)
        {
            for (var i = 0; i < file.Chunks.Length; i++)
            {
                where.TryAdd(file.Chunks[i], (file, i));
            }
        }

        List<(ManifestFile File, string Target)> targets;
        try
        {
            targets = ResolveTargets(path, baseManifest);
        }
        catch (InvalidManifestException)
        {
            return null;
        }

        var local = targets.ToDictionary(t => t.File.Path, t => t.Target, ProfilePath.Comparer);
        using var reader = new LocalChunkReader(FileChangedDuringSyncException.Pulled);
        foreach (var hash in wanted)
        {
            if (!where.TryGetValue(hash, out var at))
            {
                return null;
            }

            var offset = (long)at.Index * at.File.ChunkSize;
            var length = at.File.ChunkLength(at.Index);
            byte[]? page = null;
            foreach (var source in new[] { local.GetValueOrDefault(at.File.Path), deltaBase.CopyOf(at.File) })
            {
                if (page is null && source is not null && File.Exists(source))
                {
                    try
                    {
                        page = await reader.ReadAsync(source, offset, length, hash, cancellationToken);
                    }
                    catch (FileChangedDuringSyncException)
                    {
                    }
                }
            }

            if (page is null)
            {
                return null;
            }

            pages[hash] = page;
        }

        return pages;
    }

    /// <summary>
    /// Where each file of the snapshot goes. <paramref name="path"/> is a folder, unless it names an
    /// existing file, or a new file with the same name as a one-file snapshot's only file.
    /// </summary>
    public static List<(ManifestFile File, string Target)> ResolveTargets(string path, ProfileManifest manifest)
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

    /// <summary>
    /// Builds every changed file as a temporary file beside its target, verified chunk by chunk and
    /// as a whole and flushed to disk; an interrupted build leaves every old file as it was. The
    /// <see cref="PullJournal"/> renames them into place. Each distinct chunk is fetched once: a
    /// later occurrence (a hive's repeated padding page, a file copied) is copied from the temporary
    /// it was first written to, so the progress ends exactly at its total.
    /// </summary>
    private async Task<(int Chunks, long Bytes, List<(ManifestFile File, string Target, string Temporary)> Built)> WriteFilesAsync(
        ProfileKey profile,
        ProfileManifest manifest,
        List<(ManifestFile File, string Target)> toWrite,
        Dictionary<ContentHash, (string Path, long Offset, int Length)> localIndex,
        Dictionary<ContentHash, byte[]> delivered,
        IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        var locations = manifest.Locations.DistinctBy(l => l.Hash).ToDictionary(l => l.Hash);
        var remote = toWrite.SelectMany(w => w.File.Chunks).Where(h => !localIndex.ContainsKey(h) && !delivered.ContainsKey(h)).Distinct().ToList();
        var used = new HashSet<ContentHash>();
        var total = remote.Sum(h => locations.TryGetValue(h, out var l) ? (long)l.Length : 0);
        var throttle = new BandwidthThrottle(options.BandwidthLimit, time);
        var temporaries = new List<(ManifestFile File, string Target, string Temporary)>();

        // Where this pull wrote each chunk it fetched, already verified against its hash.
        var pulled = new Dictionary<ContentHash, (string Path, long Offset, int Length)>();

        // Chunks of small files fetched ahead with the files that follow: a profile's many small files would
        // otherwise cost a store call (and a storage read) each. At most one batch is held.
        var ahead = new Dictionary<ContentHash, byte[]>();
        int fetched = 0;
        long bytes = 0;
        bool Remote(ContentHash h) => !localIndex.ContainsKey(h) && !pulled.ContainsKey(h) && !delivered.ContainsKey(h) && !ahead.ContainsKey(h);

        async Task<Dictionary<ContentHash, byte[]>> FetchAsync(List<ContentHash> needed, string path)
        {
            ImmutableArray<ChunkLocation> asked = [.. needed.Select(h => Locate(locations, h))];
            var frame = await store.CallAsync(f => f.GetChunkReader(profile).ReadCompressedChunks(asked), cancellationToken);
            ImmutableArray<byte[]> data;
            try
            {
                data = new CompressedChunks([.. needed], frame).Unpack([.. asked.Select(l => l.Length)]);
            }
            catch (DeltaRejectedException ex)
            {
                throw new SnapshotVerificationException($"Chunks of \"{path}\" read from the store do not unpack: {ex.Reason}.");
            }

            var verified = new Dictionary<ContentHash, byte[]>();
            for (var i = 0; i < needed.Count; i++)
            {
                verified[needed[i]] = ContentHash.Compute(data[i]) == needed[i]
                    ? data[i]
                    : throw new SnapshotVerificationException($"Chunk {needed[i]} of \"{path}\" read from the store does not match its hash.");
            }

            var batchBytes = data.Sum(d => (long)d.Length);
            fetched += needed.Count;
            bytes += batchBytes;
            progress?.Report(new TransferProgress("pull", bytes, total, fetched, remote.Count));
            await throttle.ConsumeAsync(batchBytes, cancellationToken);
            return verified;
        }

        progress?.Report(new TransferProgress("pull", 0, total, 0, remote.Count));
        try
        {
            using (var reader = new LocalChunkReader(FileChangedDuringSyncException.Pulled))
            {
                for (var index = 0; index < toWrite.Count; index++)
                {
                    var (file, target) = toWrite[index];
                    if (ahead.Count == 0 && IsSmall(file) && file.Chunks.Any(Remote))
                    {
                        var batch = new List<ContentHash>();
                        var inBatch = new HashSet<ContentHash>();
                        long batchBytes = 0;
                        for (var next = index; next < toWrite.Count && IsSmall(toWrite[next].File); next++)
                        {
                            var needed = toWrite[next].File.Chunks.Where(h => Remote(h) && !inBatch.Contains(h)).Distinct().ToList();
                            var neededBytes = needed.Sum(h => (long)Locate(locations, h).Length);
                            if (batch.Count > 0 && batchBytes + neededBytes > options.BatchBytes)
                            {
                                break;
                            }

                            batch.AddRange(needed);
                            inBatch.UnionWith(needed);
                            batchBytes += neededBytes;
                        }

                        foreach (var (hash, data) in await FetchAsync(batch, file.Path))
                        {
                            ahead[hash] = data;
                        }
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    var temporary = AtomicFile.TemporaryPathFor(target);
                    temporaries.Add((file, target, temporary));
                    await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1024 * 1024, FileOptions.Asynchronous);
                    using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    foreach (var batch in ChunkBatches.Of(file.Chunks, options.BatchBytes, h => Remote(h) ? Locate(locations, h).Length : 0))
                    {
                        var needed = batch.Where(Remote).Distinct().ToList();
                        var fromStore = needed.Count > 0 ? await FetchAsync(needed, file.Path) : [];

                        foreach (var hash in batch)
                        {
                            byte[] chunk;
                            if (delivered.TryGetValue(hash, out var rebuilt))
                            {
                                // Rebuilt from the delta and hashed: its hash is its key.
                                chunk = rebuilt;
                                if (used.Add(hash))
                                {
                                    fetched++;
                                    bytes += chunk.Length;
                                }
                            }
                            else if (fromStore.TryGetValue(hash, out var data) || ahead.Remove(hash, out data))
                            {
                                chunk = data;
                                pulled.TryAdd(hash, (temporary, output.Position, chunk.Length));
                            }
                            else if (localIndex.TryGetValue(hash, out var local))
                            {
                                chunk = await ReadLocalAsync(reader, local, hash, cancellationToken);
                            }
                            else
                            {
                                var copy = pulled[hash];
                                if (copy.Path == temporary)
                                {
                                    // Written earlier into this very file: out of the stream's buffer before reading it back.
                                    await output.FlushAsync(cancellationToken);
                                }

                                chunk = await ReadLocalAsync(reader, copy, hash, cancellationToken);
                            }

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
            PullJournal.DeleteTemporaries(temporaries.Select(t => t.Temporary));
            throw;
        }

        return (fetched, bytes, temporaries);
    }

    /// <summary>A file whose chunks fit a batch with others': read ahead with its neighbours.</summary>
    private bool IsSmall(ManifestFile file) => file.Length <= options.BatchBytes / 4;

    private static Task<byte[]> ReadLocalAsync(LocalChunkReader reader, (string Path, long Offset, int Length) at, ContentHash hash, CancellationToken cancellationToken)
        => reader.ReadAsync(at.Path, at.Offset, at.Length, hash, cancellationToken);

    private static ChunkLocation Locate(Dictionary<ContentHash, ChunkLocation> locations, ContentHash hash)
        => locations.TryGetValue(hash, out var location)
            ? location
            : throw new SnapshotVerificationException($"The snapshot's manifest does not say where chunk {hash} is.");

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

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Pulled {Profile}: snapshot {Snapshot}, {Files} file(s) written, {Chunks} chunk(s) / {Bytes} bytes fetched")]
    private static partial void LogPulled(ILogger logger, ProfileKey profile, int snapshot, int files, int chunks, long bytes);
}
