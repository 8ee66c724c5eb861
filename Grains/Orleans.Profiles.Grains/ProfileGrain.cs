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

            var resumed = await Staging.GetAsync(open);
            LogResumed(logger, Key, request.SessionId, resumed.MissingCount);
            return Status(request.SessionId, resumed);
        }

        SnapshotVerifier.CheckManifest(request.Manifest, request.ManifestHash, _options);
        if (request.BaseSnapshot < 0 || request.BaseSnapshot > state.State.LastNumber)
        {
            throw new InvalidManifestException($"base snapshot {request.BaseSnapshot} was never committed to this profile");
        }

        var retainedBytes = state.State.History.Sum(s => s.Bytes) + request.Manifest.TotalBytes;
        if (Quota > 0 && retainedBytes > Quota)
        {
            throw new RequestLimitException($"the bytes of {Key}'s snapshots in history with this one", retainedBytes, Quota);
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

        await Staging.StoreManifestAsync(request.SessionId, request.Manifest);
        var now = time.GetUtcNow();
        var session = new UploadSession(request.SessionId, request.ManifestHash, request.BaseSnapshot, state.State.Current, request.Machine, now, now + _options.SessionLifetime);
        state.State.Sessions[session.Id] = session;
        await WriteStateAsync();
        metrics.UploadsBegun.Add(1);

        var work = await Staging.GetAsync(session, received: request.Manifest);
        LogBegun(logger, Key, session.Id, request.Manifest.Files.Length, work.Needed.Count, work.MissingCount);
        return Status(session.Id, work);
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

        var (manifest, newChunks) = await Staging.CommitPackAsync(sessionId, work);
        var verification = await _verifier.VerifyFilesAsync(Key, manifest, work.Index);
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
        state.State.Sessions.Remove(sessionId);
        await WriteStateAsync();
        metrics.Commits.Add(1);
        if (stale)
        {
            metrics.Conflicts.Add(1);
        }

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
            await AnnounceAsync();
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

            _staging?.Clear();
            throw;
        }
        finally
        {
            CountSessions();
        }
    }

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
