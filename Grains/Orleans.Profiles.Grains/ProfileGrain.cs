using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Commit;
using Orleans.Profiles.Retention;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Telemetry;
using Orleans.Profiles.Uploads;

namespace Orleans.Profiles;

/// <summary>
/// A user's roaming profile. Uploads stage chunks in the pack store (<see cref="UploadStaging"/>); a commit
/// verifies every chunk and file hash (<see cref="SnapshotVerifier"/>), writes the manifest, and only then
/// writes grain state: that single write is the swap, so a logon can never see a partial or unverified snapshot.
/// </summary>
public sealed partial class ProfileGrain(
    [PersistentState("profile", ProfileStorageNames.GrainState)] IPersistentState<ProfileState> state,
    IPackStore packs,
    IManifestStore manifests,
    IProfileEraser eraser,
    TimeProvider time,
    IOptions<ProfileStoreOptions> options,
    ProfileStoreMetrics metrics,
    ILogger<ProfileGrain> logger) : Grain, IProfileGrain, IProfileUploadGrain
{
    private const int MaxMachineLength = BeginUploadRequest.MaxMachineLength;
    private readonly ProfileStoreOptions _options = options.Value;
    private readonly SnapshotVerifier _verifier = new(packs, options.Value.MaxReadBytes);
    private ProfileKey? _key;
    private UploadStaging? _staging;
    private int _countedSessions;

    // What GetStatus answers: the state as last stored (or read), never what a turn in flight has changed in memory.
    private (SnapshotInfo? Current, int History, int Sessions) _published;

    // The administrative half (Admin/ProfileGrain.Admin.cs) reaches the constructor's parameters through these.
    private IPersistentState<ProfileState> State => state;

    private IProfileEraser Eraser => eraser;

    private TimeProvider Time => time;

    private ILogger Logger => logger;

    // The key is parsed on first use, inside a call, so a malformed one reaches the caller as its typed error.
    private ProfileKey Key => _key ??= ProfileKey.ParseNormalized(this.GetPrimaryKeyString());

    private UploadStaging Staging => _staging ??= new UploadStaging(Key, packs, manifests, metrics);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Sessions reloaded with the state are open in this activation too.
        CountSessions();
        Publish();

        // A profile stored before the directory existed joins it the first time it is used.
        if (state.RecordExists)
        {
            await AnnounceAsync();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.SessionsOpen.Add(-_countedSessions);
        _countedSessions = 0;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Interleaves with every other call (<c>[AlwaysInterleave]</c> on the interface), so it answers while an upload's turn
    /// awaits its storage or its verification: it reads only <see cref="_published"/>, which a turn replaces at once.
    /// </summary>
    public Task<ProfileStatus> GetStatus()
    {
        var (current, history, sessions) = _published;
        return Task.FromResult(new ProfileStatus(Key.Value, current, history, sessions));
    }

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

    public async Task<SnapshotDelta> GetSnapshotDelta(int number, int baseNumber)
    {
        var info = FindSnapshot(number == 0 ? state.State.Current : number, number);
        if (await ReadRetainedManifestAsync(baseNumber) is not { } baseManifest)
        {
            return new SnapshotDelta(info, null);
        }

        var target = await manifests.ReadAsync(Key, ManifestName.ForSnapshot(info.Number))
            ?? throw new InvalidOperationException($"The manifest of snapshot {info.Number} of {Key} is missing from the store.");

        // The changed chunks that fit one delta travel in it, each with its base page as the dictionary; the rest as locations.
        var payload = new List<ContentHash>();
        long bytes = 0;
        foreach (var change in ProfileDelta.Changes(baseManifest, target).DistinctBy(c => c.Hash))
        {
            if (bytes + change.Length > ProfileDelta.MaxPayloadBytes)
            {
                break;
            }

            bytes += change.Length;
            payload.Add(change.Hash);
            if (change.BaseHash is { } baseHash)
            {
                payload.Add(baseHash);
            }
        }

        var known = target.Locations.Concat(baseManifest.Locations).DistinctBy(l => l.Hash).ToDictionary(l => l.Hash);
        var chunks = await ReadChunksAsync(known, payload.Distinct().ToList());
        if (chunks is null)
        {
            return new SnapshotDelta(info, null);
        }

        var encoded = await Task.Run(() =>
        {
            var targetLocations = target.Locations.DistinctBy(l => l.Hash).ToDictionary(l => l.Hash);
            return ProfileDelta.Encode(baseManifest, target, chunks, h => targetLocations[h]);
        });
        metrics.SnapshotReads.Add(1);
        return new SnapshotDelta(info, encoded);
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

        if (await TryResumeAsync(request.SessionId, request.ManifestHash) is { } resumed)
        {
            return resumed;
        }

        var (session, work) = await OpenSessionAsync(request.SessionId, request.Manifest, request.ManifestHash, request.BaseSnapshot, request.Machine);
        LogBegun(logger, Key, session.Id, request.Manifest.Files.Length, work.Needed.Count, work.MissingCount);
        return Status(session.Id, work);
    }

    public async Task<UploadSessionStatus> BeginDeltaUpload(DeltaUploadRequest request)
    {
        if (request?.Delta is null)
        {
            throw new InvalidManifestException("the request is empty");
        }

        _ = Key;
        CheckMachine(request.Machine);
        await ExpireSessionsAsync();
        if (await TryResumeAsync(request.SessionId, request.ManifestHash) is { } resumed)
        {
            return resumed;
        }

        // Everything is rebuilt and checked before anything is stored: a refused delta changes nothing.
        // Decoding, reading and hashing the base pages and rebuilding are pure work on immutable inputs: off the turn.
        var baseManifest = await ReadRetainedManifestAsync(request.BaseSnapshot) ?? throw new DeltaBaseUnavailableException(request.BaseSnapshot);
        var maxFiles = _options.MaxFiles;
        var delta = await Task.Run(() => ProfileDelta.Read(request.Delta, baseManifest, maxFiles));
        var baseBytes = await ReadBaseChunksAsync(baseManifest, delta.BaseChunks) ?? throw new DeltaBaseUnavailableException(request.BaseSnapshot);
        var (manifest, chunks, rebuilt) = await Task.Run(() =>
        {
            var (files, chunks) = delta.Rebuild(baseBytes);
            var manifest = new ProfileManifest(files, []);
            return (manifest, chunks, manifest.ComputeHash());
        });
        if (rebuilt != request.ManifestHash)
        {
            metrics.ChunksRejected.Add(1);
            throw new DeltaRejectedException($"it rebuilds to manifest {rebuilt}, not the {request.ManifestHash} the request claims");
        }

        var (session, work) = await OpenSessionAsync(request.SessionId, manifest, request.ManifestHash, request.BaseSnapshot, request.Machine);
        var staged = await Staging.StageAsync(session.Id, work, [.. chunks.Select(c => new ChunkPayload(c.Key, c.Value))], int.MaxValue);
        LogBegunFromDelta(logger, Key, session.Id, request.BaseSnapshot, request.Delta.Length, staged, work.MissingCount);
        return Status(session.Id, work);
    }

    /// <summary>The answer to a begin whose session exists already: committed (a retry after a lost reply) or open (resumed).</summary>
    private async Task<UploadSessionStatus?> TryResumeAsync(Guid sessionId, ContentHash manifestHash)
    {
        // A retry after a lost reply carries the same manifest; another one under a committed session's id is refused, as for an open session.
        if (FindCommitted(sessionId) is { } committed)
        {
            return committed.ManifestHash == manifestHash
                ? new UploadSessionStatus(sessionId, [], 0, committed.Number)
                : throw new InvalidManifestException($"upload session {sessionId:N} committed another manifest");
        }

        if (state.State.Sessions.TryGetValue(sessionId, out var open))
        {
            if (open.ManifestHash != manifestHash)
            {
                throw new InvalidManifestException($"upload session {sessionId:N} is open with another manifest");
            }

            var resumed = await Staging.GetAsync(open);
            LogResumed(logger, Key, sessionId, resumed.MissingCount);
            return Status(sessionId, resumed);
        }

        return null;
    }

    /// <summary>Checks a whole manifest and records a new session for it (its manifest stored first); answers its work set.</summary>
    private async Task<(UploadSession Session, UploadWorkSet Work)> OpenSessionAsync(Guid sessionId, ProfileManifest uploaded, ContentHash manifestHash, int baseSnapshot, string machine)
    {
        await Task.Run(() => SnapshotVerifier.CheckManifest(uploaded, manifestHash, _options));
        if (baseSnapshot < 0 || baseSnapshot > state.State.LastNumber)
        {
            throw new InvalidManifestException($"base snapshot {baseSnapshot} was never committed to this profile");
        }

        var retainedBytes = state.State.History.Sum(s => s.Bytes) + uploaded.TotalBytes;
        if (Quota > 0 && retainedBytes > Quota)
        {
            throw new RequestLimitException($"the bytes of {Key}'s snapshots in history with this one", retainedBytes, Quota);
        }

        // A machine's new push makes its own unfinished one obsolete; then at most MaxOpenSessions remain.
        foreach (var obsolete in state.State.Sessions.Values.Where(s => string.Equals(s.Machine, machine, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            await DiscardSessionAsync(obsolete);
            LogSuperseded(logger, Key, obsolete.Id, sessionId);
        }

        if (state.State.Sessions.Count >= _options.MaxOpenSessions)
        {
            throw new RequestLimitException($"the open uploads of {Key}", state.State.Sessions.Count + 1, _options.MaxOpenSessions);
        }

        await Staging.StoreManifestAsync(sessionId, uploaded);
        var now = time.GetUtcNow();
        var session = new UploadSession(sessionId, manifestHash, baseSnapshot, state.State.Current, machine, now, now + _options.SessionLifetime);
        state.State.Sessions[session.Id] = session;
        await WriteStateAsync();
        metrics.UploadsBegun.Add(1);

        return (session, await Staging.GetAsync(session, received: uploaded));
    }

    public async Task<int> PutChunks(Guid sessionId, ImmutableArray<ChunkPayload> chunks)
    {
        var work = await Staging.GetAsync(GetOpenSession(sessionId));
        if (chunks.IsDefaultOrEmpty)
        {
            return work.MissingCount;
        }

        var staged = await Staging.StageAsync(sessionId, work, chunks, _options.MaxBatchBytes);
        LogStaged(logger, Key, sessionId, staged, chunks.Length - staged);
        return work.MissingCount;
    }

    public async Task<int> PutCompressedChunks(Guid sessionId, CompressedChunks chunks)
    {
        var work = await Staging.GetAsync(GetOpenSession(sessionId));
        if (chunks?.Hashes is not { IsDefaultOrEmpty: false } hashes)
        {
            return work.MissingCount;
        }

        // The lengths the manifest gives bound what the frame may unpack to: a hash it does not reference is refused before any work.
        var lengths = new int[hashes.Length];
        for (var i = 0; i < hashes.Length; i++)
        {
            lengths[i] = work.Needed.TryGetValue(hashes[i], out var length) ? length : throw new ChunkRejectedException(hashes[i], "this upload's manifest does not reference it");
        }

        if (lengths.Sum(l => (long)l) > _options.MaxBatchBytes)
        {
            throw new RequestLimitException("the batch size in bytes", lengths.Sum(l => (long)l), _options.MaxBatchBytes);
        }

        ImmutableArray<byte[]> data;
        try
        {
            data = await Task.Run(() => chunks.Unpack(lengths));
        }
        catch (DeltaRejectedException ex)
        {
            metrics.ChunksRejected.Add(1);
            throw new ChunkRejectedException(hashes[0], $"its batch does not unpack: {ex.Reason}");
        }

        var staged = await Staging.StageAsync(sessionId, work, [.. hashes.Select((h, i) => new ChunkPayload(h, data[i]))], _options.MaxBatchBytes);
        LogStaged(logger, Key, sessionId, staged, hashes.Length - staged);
        return work.MissingCount;
    }

    public async Task<CommitResult> CommitUpload(Guid sessionId)
    {
        if (FindCommitted(sessionId) is { } committed)
        {
            return new CommitResult(committed, AlreadyCommitted: true);
        }

        var session = GetOpenSession(sessionId);
        var work = await Staging.GetAsync(session);
        if (work.MissingCount is var missing and > 0)
        {
            throw new UploadIncompleteException(sessionId, missing);
        }

        // The pack's rename and scan, and the verification (every new file read back, hashed and checked), run off the
        // turn: nothing else of this session can move meanwhile (a non-reentrant grain), and GetStatus still answers.
        var (manifest, newChunks) = await Staging.CommitPackAsync(sessionId, work);
        var key = Key;
        var verification = await Task.Run(() => _verifier.VerifyFilesAsync(key, manifest, work.Index));
        if (verification.CorruptPath is { } corrupt)
        {
            await DiscardSessionAsync(session);
            LogRefused(logger, Key, sessionId, corrupt);
            throw new FileHashMismatchException(corrupt);
        }

        // Fail closed: only the explicit AcceptAndMark policy lets a damaged hive become current.
        if (verification.Damaged is { } damaged && _options.DamagedHives != DamagedHivePolicy.AcceptAndMark)
        {
            // The content of a session cannot change, so it can never commit: free what it staged.
            await DiscardSessionAsync(session);
            LogDamagedHive(logger, Key, sessionId, damaged.Path, damaged.Offset ?? 0, damaged.Problem!);
            metrics.DamagedHives.Add(1);
            await RecordDamagedHiveAsync(session.Machine, damaged.Path);
            damaged.ThrowIfDamaged();
        }

        var info = await SwapInAsync(manifest, session.ManifestHash, session.BaseSnapshot, session.Machine, sessionId, restoredFrom: 0, verification.Warning);
        await Staging.CompleteAsync(sessionId);
        LogCommitted(logger, Key, info.Number, sessionId, newChunks, info.Bytes, state.State.Current);
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

    public async Task<GarbageCollectionResult> CollectGarbage()
    {
        _ = Key;
        await ExpireSessionsAsync();
        var retained = RetentionWindow.Retained(state.State, time.GetUtcNow(), _options.RetainSnapshots, _options.RetainFor);
        var dropped = state.State.History.RemoveAll(s => !retained.Contains(s.Number));
        if (dropped > 0)
        {
            // State first: from here on nothing references what is deleted below, so a crash midway only leaves garbage.
            await WriteStateAsync();
        }

        var (manifestsDeleted, packsDeleted) = await new RetentionSweeper(packs, manifests).SweepAsync(
            Key, state.State.History.Select(s => s.Number).ToHashSet(), state.State.Sessions.Keys.ToHashSet());
        LogCollected(logger, Key, dropped, manifestsDeleted, packsDeleted);
        return new GarbageCollectionResult(dropped, manifestsDeleted, packsDeleted);
    }

    private async Task CollectIfOverRetentionAsync()
    {
        if (RetentionWindow.HasExpired(state.State, time.GetUtcNow(), _options.RetainSnapshots, _options.RetainFor))
        {
            await CollectGarbage();
        }
    }

    /// <summary>The manifest of a snapshot still in history, or null when it was collected (or never existed): a delta base that is gone.</summary>
    private async Task<ProfileManifest?> ReadRetainedManifestAsync(int number)
        => number > 0 && state.State.History.Exists(s => s.Number == number) ? await manifests.ReadAsync(Key, ManifestName.ForSnapshot(number)) : null;

    /// <summary>The base chunks a delta was encoded against, from the base snapshot's packs, each checked against its hash; null when one is gone.</summary>
    private Task<Dictionary<ContentHash, byte[]>?> ReadBaseChunksAsync(ProfileManifest baseManifest, IReadOnlyList<ContentHash> hashes)
        => ReadChunksAsync(baseManifest.Locations.DistinctBy(l => l.Hash).ToDictionary(l => l.Hash), hashes);

    private async Task<Dictionary<ContentHash, byte[]>?> ReadChunksAsync(Dictionary<ContentHash, ChunkLocation> locations, IReadOnlyList<ContentHash> hashes)
    {
        var result = new Dictionary<ContentHash, byte[]>();
        if (hashes.Count == 0)
        {
            return result;
        }

        if (!hashes.All(locations.ContainsKey))
        {
            return null;
        }

        var key = Key;
        try
        {
            // Reading and hashing off the turn.
            return await Task.Run(async () =>
            {
                var data = await packs.ReadAsync(key, [.. hashes.Select(h => locations[h])]);
                for (var i = 0; i < hashes.Count; i++)
                {
                    if (ContentHash.Compute(data[i]) != hashes[i])
                    {
                        return null;
                    }

                    result[hashes[i]] = data[i];
                }

                return result;
            });
        }
        catch (ChunkRejectedException)
        {
            return null;
        }
    }

    /// <summary>Writes the manifest of a new snapshot, then the grain state that makes it current.</summary>
    private async Task<SnapshotInfo> SwapInAsync(ProfileManifest manifest, ContentHash manifestHash, int baseSnapshot, string machine, Guid sessionId, int restoredFrom, string? warning = null)
    {
        var number = state.State.LastNumber + 1;
        var key = Key;
        await Task.Run(() => manifests.WriteAsync(key, ManifestName.ForSnapshot(number), manifest));

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
        state.State.Sessions.Remove(sessionId);
        await WriteStateAsync();
        metrics.Commits.Add(1);
        if (stale)
        {
            metrics.Conflicts.Add(1);
        }

        // The other workstations that roam this profile fetch it before their user logs on (one-way: the commit does not wait).
        _ = GrainFactory.GetGrain<IProfileSubscriptionsGrain>(Key.Value).Publish(new ProfileCommitted(Key.Value, info, state.State.Current));
        return info;
    }

    private async Task DiscardSessionAsync(UploadSession session)
    {
        state.State.Sessions.Remove(session.Id);
        await WriteStateAsync();
        await Staging.DiscardAsync(session.Id);
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
            Publish();
            await AnnounceAsync();
        }
        catch
        {
            try
            {
                await state.ReadStateAsync();
                Publish();
            }
            catch
            {
                DeactivateOnIdle();
            }

            _staging?.Clear();
            throw;
        }
        finally
        {
            CountSessions();
        }
    }

    /// <summary>Makes the state as it is now (stored or read back) what <see cref="GetStatus"/> answers.</summary>
    private void Publish()
        => _published = (CurrentInfo, state.State.History.Count, state.State.Sessions.Count);

    /// <summary>Brings <see cref="ProfileStoreMetrics.SessionsOpen"/> to the sessions this activation holds now.</summary>
    private void CountSessions()
    {
        var open = state.State.Sessions.Count;
        metrics.SessionsOpen.Add(open - _countedSessions);
        _countedSessions = open;
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

    private static UploadSessionStatus Status(Guid sessionId, UploadWorkSet work)
        => new(sessionId, [.. work.Missing], work.Needed.Count, CommittedSnapshot: 0);

    private static void CheckMachine(string machine)
    {
        if (string.IsNullOrWhiteSpace(machine) || machine.Length > MaxMachineLength || machine.Any(char.IsControl))
        {
            throw new InvalidManifestException($"the machine name must be 1 to {MaxMachineLength} printable characters");
        }
    }
}
