using System.Collections.Immutable;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles;

/// <summary>
/// A user's roaming profile. Uploads stage chunks in the pack store; a commit verifies every chunk
/// and file hash, writes the manifest, and only then writes grain state: that single write is the
/// swap, so a logon can never see a partial or unverified snapshot.
/// </summary>
public sealed partial class ProfileGrain(
    [PersistentState("profile", ProfileStorageNames.GrainState)] IPersistentState<ProfileState> state,
    IPackStore packs,
    IManifestStore manifests,
    TimeProvider time,
    IOptions<ProfileStoreOptions> options,
    ProfileStoreMetrics metrics,
    ILogger<ProfileGrain> logger) : Grain, IProfileGrain, IProfileUploadGrain
{
    private const int MaxMachineLength = BeginUploadRequest.MaxMachineLength;
    private readonly ProfileStoreOptions _options = options.Value;
    private readonly Dictionary<Guid, SessionWork> _work = [];
    private ProfileKey? _key;

    private ProfileKey Key => _key ??= ProfileKey.ParseNormalized(this.GetPrimaryKeyString());

    public Task<ProfileStatus> GetStatus()
        => Task.FromResult(new ProfileStatus(Key.Value, CurrentInfo, state.State.History.Count, state.State.Sessions.Count));

    public Task<ImmutableArray<SnapshotInfo>> GetHistory()
    {
        _ = Key;
        return Task.FromResult(state.State.History.ToImmutableArray());
    }

    public async Task<Snapshot> GetSnapshot(int number)
    {
        var info = FindSnapshot(number == 0 ? state.State.Current : number, number);
        var manifest = await manifests.ReadAsync(Key, ManifestName.ForSnapshot(info.Number))
            ?? throw new InvalidOperationException($"The manifest of snapshot {info.Number} of {Key} is missing from the store.");
        metrics.SnapshotReads.Add(1);
        return new Snapshot(info, manifest);
    }

    public async Task<CommitResult> Restore(int number, string machine)
    {
        CheckMachine(machine);
        var source = await GetSnapshot(number);
        var restored = await SwapInAsync(source.Manifest, source.Info.ManifestHash, baseSnapshot: state.State.Current, machine, Guid.Empty, restoredFrom: source.Info.Number, source.Info.Warning);
        LogRestored(logger, Key, source.Info.Number, restored.Number);
        await CollectIfOverRetentionAsync();
        return new CommitResult(restored, AlreadyCommitted: false);
    }

    public async Task<UploadSessionStatus> BeginUpload(BeginUploadRequest request)
    {
        if (request is null)
        {
            throw new InvalidManifestException("the request is empty");
        }

        _ = Key;
        CheckMachine(request.Machine);
        await ExpireSessionsAsync();

        // A retry after a lost reply carries the same manifest; another one under a committed session's id is refused, as for an open session.
        if (FindCommitted(request.SessionId) is { } committed)
        {
            return committed.ManifestHash == request.ManifestHash
                ? new UploadSessionStatus(request.SessionId, [], 0, committed.Number)
                : throw new InvalidManifestException($"upload session {request.SessionId:N} committed another manifest");
        }

        if (state.State.Sessions.TryGetValue(request.SessionId, out var open))
        {
            if (open.ManifestHash != request.ManifestHash)
            {
                throw new InvalidManifestException($"upload session {request.SessionId:N} is open with another manifest");
            }

            var resumed = await GetWorkAsync(open);
            LogResumed(logger, Key, request.SessionId, resumed.MissingCount);
            return Status(request.SessionId, resumed);
        }

        ManifestValidator.ValidateUpload(request.Manifest, request.ManifestHash, _options);
        if (request.BaseSnapshot < 0 || request.BaseSnapshot > state.State.LastNumber)
        {
            throw new InvalidManifestException($"base snapshot {request.BaseSnapshot} was never committed to this profile");
        }

        var retainedBytes = state.State.History.Sum(s => s.Bytes) + request.Manifest.TotalBytes;
        if (_options.MaxProfileBytes > 0 && retainedBytes > _options.MaxProfileBytes)
        {
            throw new RequestLimitException($"the bytes of {Key}'s snapshots in history with this one", retainedBytes, _options.MaxProfileBytes);
        }

        // A machine's new push makes its own unfinished one obsolete; then at most MaxOpenSessions remain.
        foreach (var obsolete in state.State.Sessions.Values.Where(s => string.Equals(s.Machine, request.Machine, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            await DiscardSessionAsync(obsolete);
            LogSuperseded(logger, Key, obsolete.Id, request.SessionId);
        }

        if (state.State.Sessions.Count >= _options.MaxOpenSessions)
        {
            throw new RequestLimitException($"the open uploads of {Key}", state.State.Sessions.Count + 1, _options.MaxOpenSessions);
        }

        // The session's manifest is stored before the session is recorded, so a recorded session always has one.
        await manifests.WriteAsync(Key, ManifestName.ForSession(request.SessionId), request.Manifest);
        var now = time.GetUtcNow();
        var session = new UploadSession(request.SessionId, request.ManifestHash, request.BaseSnapshot, state.State.Current, request.Machine, now, now + _options.SessionLifetime);
        state.State.Sessions[session.Id] = session;
        await WriteStateAsync();
        metrics.UploadsBegun.Add(1);
        metrics.SessionsOpen.Add(1);

        var work = await GetWorkAsync(session);
        LogBegun(logger, Key, session.Id, request.Manifest.Files.Length, work.Needed.Count, work.MissingCount);
        return Status(session.Id, work);
    }

    public async Task<int> PutChunks(Guid sessionId, ImmutableArray<ChunkPayload> chunks)
    {
        var work = await GetWorkAsync(GetOpenSession(sessionId));
        if (chunks.IsDefaultOrEmpty)
        {
            return work.MissingCount;
        }

        var batchBytes = chunks.Sum(c => (long)(c?.Data?.Length ?? 0));
        if (batchBytes > _options.MaxBatchBytes)
        {
            throw new RequestLimitException("the batch size in bytes", batchBytes, _options.MaxBatchBytes);
        }

        // Verify the whole batch before staging any of it: a bad batch changes nothing.
        var fresh = new List<ChunkPayload>(chunks.Length);
        var inBatch = new HashSet<ContentHash>();
        foreach (var chunk in chunks)
        {
            if (Reject(chunk, work) is { } rejection)
            {
                metrics.ChunksRejected.Add(1);
                throw rejection;
            }

            if (!work.Staged.Contains(chunk.Hash) && !work.Known.ContainsKey(chunk.Hash) && inBatch.Add(chunk.Hash))
            {
                fresh.Add(chunk);
            }
        }

        if (fresh.Count > 0)
        {
            try
            {
                await packs.StageAsync(Key, sessionId, fresh);
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
        }

        LogStaged(logger, Key, sessionId, fresh.Count, chunks.Length - fresh.Count);
        return work.MissingCount;
    }

    public async Task<CommitResult> CommitUpload(Guid sessionId)
    {
        if (FindCommitted(sessionId) is { } committed)
        {
            return new CommitResult(committed, AlreadyCommitted: true);
        }

        var session = GetOpenSession(sessionId);
        var work = await GetWorkAsync(session);
        if (work.MissingCount is var missing and > 0)
        {
            throw new UploadIncompleteException(sessionId, missing);
        }

        var staged = await packs.CommitAsync(Key, sessionId);
        var located = staged.ToDictionary(l => l.Hash);
        foreach (var (hash, location) in work.Known)
        {
            located.TryAdd(hash, location);
        }

        var manifest = work.Manifest.WithLocations([.. work.Needed.Keys.Select(h => located[h])]);
        var verification = await VerifyFilesAsync(manifest, work.Index);
        if (verification.CorruptPath is { } corrupt)
        {
            await DiscardSessionAsync(session);
            LogRefused(logger, Key, sessionId, corrupt);
            throw new FileHashMismatchException(corrupt);
        }

        if (verification.Damaged is { } damaged && _options.DamagedHives == DamagedHivePolicy.Refuse)
        {
            // The content of a session cannot change, so it can never commit: free what it staged.
            await DiscardSessionAsync(session);
            LogDamagedHive(logger, Key, sessionId, damaged.Path, damaged.Offset ?? 0, damaged.Problem!);
            metrics.DamagedHives.Add(1);
            damaged.ThrowIfDamaged();
        }

        var info = await SwapInAsync(manifest, session.ManifestHash, session.BaseSnapshot, session.Machine, sessionId, restoredFrom: 0, verification.Warning);
        _work.Remove(sessionId);
        await manifests.DeleteAsync(Key, ManifestName.ForSession(sessionId));
        LogCommitted(logger, Key, info.Number, sessionId, staged.Length, info.Bytes, state.State.Current);
        await CollectIfOverRetentionAsync();
        return new CommitResult(info, AlreadyCommitted: false);
    }

    public async Task AbortUpload(Guid sessionId)
    {
        _ = Key;
        if (state.State.Sessions.TryGetValue(sessionId, out var session))
        {
            await DiscardSessionAsync(session);
            LogAborted(logger, Key, sessionId);
        }
    }

    private static ChunkRejectedException? Reject(ChunkPayload? chunk, SessionWork work)
    {
        if (chunk?.Data is null)
        {
            return new ChunkRejectedException(chunk?.Hash ?? default, "it has no bytes");
        }

        if (!work.Needed.TryGetValue(chunk.Hash, out var length))
        {
            return new ChunkRejectedException(chunk.Hash, "this upload's manifest does not reference it");
        }

        if (chunk.Data.Length != length)
        {
            return new ChunkRejectedException(chunk.Hash, $"it has {chunk.Data.Length} bytes where the manifest says {length}");
        }

        return ContentHash.Compute(chunk.Data) != chunk.Hash ? new ChunkRejectedException(chunk.Hash, "its bytes do not match its SHA-256") : null;
    }

    public async Task<GarbageCollectionResult> CollectGarbage()
    {
        _ = Key;
        await ExpireSessionsAsync();
        var retained = RetainedSnapshots();
        var dropped = state.State.History.RemoveAll(s => !retained.Contains(s.Number));
        if (dropped > 0)
        {
            // State first: from here on nothing references what is deleted below, so a crash midway only leaves garbage.
            await WriteStateAsync();
        }

        var kept = state.State.History.Select(s => s.Number).ToHashSet();
        var live = state.State.Sessions.Keys.ToHashSet();
        var referenced = new HashSet<Guid>(live);
        var manifestsDeleted = 0;
        foreach (var name in await manifests.ListAsync(Key))
        {
            if (name.Snapshot is { } number && kept.Contains(number))
            {
                var manifest = await manifests.ReadAsync(Key, name)
                    ?? throw new InvalidOperationException($"The manifest of snapshot {number} of {Key} vanished during garbage collection.");
                referenced.UnionWith(manifest.Locations.Select(l => l.Pack));
            }
            else if (name.Session is not { } session || !live.Contains(session))
            {
                await manifests.DeleteAsync(Key, name);
                manifestsDeleted++;
            }
        }

        var packsDeleted = 0;
        foreach (var pack in await packs.ListAsync(Key))
        {
            if (!referenced.Contains(pack))
            {
                await packs.DiscardAsync(Key, pack);
                packsDeleted++;
            }
        }

        LogCollected(logger, Key, dropped, manifestsDeleted, packsDeleted);
        return new GarbageCollectionResult(dropped, manifestsDeleted, packsDeleted);
    }

    /// <summary>
    /// The retention window: the current snapshot, the newest <see cref="ProfileStoreOptions.RetainSnapshots"/>,
    /// every one younger than <see cref="ProfileStoreOptions.RetainFor"/>, and every one an open upload reuses chunks of.
    /// </summary>
    private HashSet<int> RetainedSnapshots()
    {
        var since = time.GetUtcNow() - _options.RetainFor;
        var retained = state.State.History
            .OrderByDescending(s => s.Number)
            .Select((s, rank) => (s, rank))
            .Where(x => x.rank < _options.RetainSnapshots || x.s.CommittedAt >= since)
            .Select(x => x.s.Number)
            .ToHashSet();
        retained.Add(state.State.Current);
        retained.UnionWith(state.State.Sessions.Values.Select(s => s.IndexSnapshot));
        return retained;
    }

    private async Task CollectIfOverRetentionAsync()
    {
        var retained = RetainedSnapshots();
        if (state.State.History.Any(s => !retained.Contains(s.Number)))
        {
            await CollectGarbage();
        }
    }

    /// <summary>Writes the manifest of a new snapshot, then the grain state that makes it current.</summary>
    private async Task<SnapshotInfo> SwapInAsync(ProfileManifest manifest, ContentHash manifestHash, int baseSnapshot, string machine, Guid sessionId, int restoredFrom, string? warning = null)
    {
        var number = state.State.LastNumber + 1;
        await manifests.WriteAsync(Key, ManifestName.ForSnapshot(number), manifest);

        // A commit that did not build on the current snapshot is a conflict: the policy picks which one is
        // current, and the other stays in history, linked, so nothing the user wrote is dropped.
        var current = state.State.Current;
        var stale = restoredFrom == 0 && current != 0 && current != baseSnapshot;
        var keepCurrent = stale && _options.ConflictPolicy == ConflictPolicy.KeepCurrent;
        var info = new SnapshotInfo(number, time.GetUtcNow(), machine, manifest.TotalBytes, manifest.Files.Length, manifestHash, baseSnapshot,
            Replaced: stale && !keepCurrent ? current : 0, restoredFrom, sessionId, LostTo: keepCurrent ? current : 0, Warning: warning);
        state.State.LastNumber = number;
        state.State.Current = keepCurrent ? current : number;
        state.State.History.Add(info);
        var closedSession = state.State.Sessions.Remove(sessionId);
        await WriteStateAsync();
        metrics.Commits.Add(1);
        if (stale)
        {
            metrics.Conflicts.Add(1);
        }

        if (closedSession)
        {
            metrics.SessionsOpen.Add(-1);
        }

        return info;
    }

    /// <summary>
    /// Rebuilds each new file from its chunks and checks its length and whole-file SHA-256, and, for a
    /// registry hive, its structure (a linear scan, cheap next to hashing). A file identical to one of
    /// the index snapshot was verified when that snapshot was committed; only its dirty flag is re-read.
    /// </summary>
    private async Task<FileVerification> VerifyFilesAsync(ProfileManifest manifest, ProfileManifest? index)
    {
        var verified = index?.Files.Select(f => f.Sha256).ToHashSet() ?? [];
        var locations = manifest.Locations.ToDictionary(l => l.Hash);
        var paths = manifest.Files.Select(f => f.Path).ToHashSet(ProfilePath.Comparer);
        var warnings = new List<string>();
        HiveCheckResult? damaged = null;
        foreach (var file in manifest.Files)
        {
            var mustBeHive = file.Length > 0 && WellKnownHives.Contains(Path.GetFileName(file.Path.Replace(ProfilePath.Separator, '/')));
            if (verified.Contains(file.Sha256) && index!.Files.Any(f => f.SameContentAs(file)))
            {
                if (file.Length > 0 && (await packs.ReadAsync(Key, [locations[file.Chunks[0]]]))[0] is var first && HiveChecker.IsDirtyBaseBlock(first))
                {
                    WarnIfLogsMissing(file.Path, paths, warnings);
                }

                continue;
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var hive = new HiveChecker(file.Path);
            long rebuilt = 0;
            foreach (var batch in file.Chunks.Chunk(Math.Max(1, _options.MaxReadBytes / file.ChunkSize)))
            {
                foreach (var bytes in await packs.ReadAsync(Key, [.. batch.Select(h => locations[h])]))
                {
                    hash.AppendData(bytes);
                    hive.Append(bytes);
                    rebuilt += bytes.Length;
                }
            }

            // A chunk shared with another file is stored once, at that file's length: a manifest can
            // name the right chunks and hash for a file yet claim another length.
            if (rebuilt != file.Length || ContentHash.FromBytes(hash.GetHashAndReset()) != file.Sha256)
            {
                return new FileVerification(file.Path, null, null);
            }

            var result = hive.Complete(rebuilt);
            if (mustBeHive && !result.IsHive && !result.IsLog)
            {
                result = result with { Problem = "a registry hive must start with the \"regf\" signature (the first page is damaged)", Offset = 0 };
            }

            if (result.Problem is not null)
            {
                damaged ??= result;
                warnings.Add($"{file.Path} is damaged at offset {result.Offset}: {result.Problem}");
            }
            else if (result.IsDirty)
            {
                WarnIfLogsMissing(file.Path, paths, warnings);
            }
        }

        return new FileVerification(null, damaged, warnings.Count == 0 ? null : string.Join("; ", warnings));
    }

    /// <summary>A dirty hive needs its transaction logs to be brought up to date; without them in the same snapshot, say so.</summary>
    private static void WarnIfLogsMissing(string hive, HashSet<string> paths, List<string> warnings)
    {
        if (!paths.Contains(hive + ".LOG1") && !paths.Contains(hive + ".LOG2") && !paths.Contains(hive + ".LOG"))
        {
            warnings.Add($"{hive} is dirty (a write was under way when it was copied) but its .LOG1/.LOG2 are not in the snapshot: changes since its last flush may be missing");
        }
    }

    /// <summary>File names that are always registry hives: a non-empty one without the "regf" signature is damaged.</summary>
    private static readonly HashSet<string> WellKnownHives = new(StringComparer.OrdinalIgnoreCase) { "NTUSER.DAT", "NTUSER.MAN", "UsrClass.dat" };

    private sealed record FileVerification(string? CorruptPath, HiveCheckResult? Damaged, string? Warning);

    private async Task<SessionWork> GetWorkAsync(UploadSession session)
    {
        if (_work.TryGetValue(session.Id, out var work))
        {
            return work;
        }

        var manifest = await manifests.ReadAsync(Key, ManifestName.ForSession(session.Id))
            ?? throw new InvalidOperationException($"The manifest of upload session {session.Id:N} of {Key} is missing from the store.");
        var index = session.IndexSnapshot == 0 ? null : await manifests.ReadAsync(Key, ManifestName.ForSnapshot(session.IndexSnapshot));
        work = new SessionWork(manifest, index, await packs.GetStagedAsync(Key, session.Id));
        _work[session.Id] = work;
        return work;
    }

    private async Task DiscardSessionAsync(UploadSession session)
    {
        state.State.Sessions.Remove(session.Id);
        await WriteStateAsync();
        metrics.SessionsOpen.Add(-1);
        _work.Remove(session.Id);
        await packs.DiscardAsync(Key, session.Id);
        await manifests.DeleteAsync(Key, ManifestName.ForSession(session.Id));
    }

    private async Task ExpireSessionsAsync()
    {
        var now = time.GetUtcNow();
        foreach (var session in state.State.Sessions.Values.Where(s => s.ExpiresAt <= now).ToList())
        {
            LogExpired(logger, Key, session.Id);
            await DiscardSessionAsync(session);
        }
    }

    /// <summary>Persists state; if the write fails, reloads what is stored so memory never runs ahead of storage.</summary>
    private async Task WriteStateAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            try
            {
                await state.ReadStateAsync();
            }
            catch
            {
                DeactivateOnIdle();
            }

            _work.Clear();
            throw;
        }
    }

    private UploadSession GetOpenSession(Guid sessionId)
    {
        _ = Key;
        return state.State.Sessions.TryGetValue(sessionId, out var session) && session.ExpiresAt > time.GetUtcNow()
            ? session
            : throw new UploadSessionNotFoundException(sessionId);
    }

    private SnapshotInfo? FindCommitted(Guid sessionId)
        => sessionId == Guid.Empty ? null : state.State.History.FindLast(s => s.SessionId == sessionId);

    private SnapshotInfo? CurrentInfo => state.State.Current == 0 ? null : state.State.History.FindLast(s => s.Number == state.State.Current);

    private SnapshotInfo FindSnapshot(int number, int asked)
        => state.State.History.FindLast(s => s.Number == number) ?? throw new SnapshotNotFoundException(Key.Value, asked);

    private UploadSessionStatus Status(Guid sessionId, SessionWork work)
        => new(sessionId, [.. work.Missing], work.Needed.Count, CommittedSnapshot: 0);

    private static void CheckMachine(string machine)
    {
        if (string.IsNullOrWhiteSpace(machine) || machine.Length > MaxMachineLength || machine.Any(char.IsControl))
        {
            throw new InvalidManifestException($"the machine name must be 1 to {MaxMachineLength} printable characters");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} begun with {Files} file(s), {Chunks} distinct chunk(s), {Missing} missing")]
    private static partial void LogBegun(ILogger logger, ProfileKey profile, Guid sessionId, int files, int chunks, int missing);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} resumed, {Missing} chunk(s) missing")]
    private static partial void LogResumed(ILogger logger, ProfileKey profile, Guid sessionId, int missing);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Profile {Profile}: session {SessionId} staged {Staged} chunk(s), {Skipped} already present")]
    private static partial void LogStaged(ILogger logger, ProfileKey profile, Guid sessionId, int staged, int skipped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: snapshot {Snapshot} committed from session {SessionId} ({NewChunks} new chunk(s), {Bytes} bytes); current is {Current}")]
    private static partial void LogCommitted(ILogger logger, ProfileKey profile, int snapshot, Guid sessionId, int newChunks, long bytes, int current);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: garbage collection dropped {Snapshots} snapshot(s), deleted {Manifests} manifest(s) and {Packs} pack(s)")]
    private static partial void LogCollected(ILogger logger, ProfileKey profile, int snapshots, int manifests, int packs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Profile {Profile}: session {SessionId} refused at commit: registry hive {Path} is damaged at offset {Offset}: {Problem}")]
    private static partial void LogDamagedHive(ILogger logger, ProfileKey profile, Guid sessionId, string path, long offset, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Profile {Profile}: session {SessionId} refused at commit: {Path} does not match its hash")]
    private static partial void LogRefused(ILogger logger, ProfileKey profile, Guid sessionId, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} aborted")]
    private static partial void LogAborted(ILogger logger, ProfileKey profile, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} superseded by {NewSessionId} from the same machine")]
    private static partial void LogSuperseded(ILogger logger, ProfileKey profile, Guid sessionId, Guid newSessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} expired")]
    private static partial void LogExpired(ILogger logger, ProfileKey profile, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: snapshot {Source} restored as snapshot {Snapshot}")]
    private static partial void LogRestored(ILogger logger, ProfileKey profile, int source, int snapshot);
}
