using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Orleans.Profiles.Sync;

/// <summary>
/// Pushes a workstation's profile to the store at logoff and pulls the last committed snapshot at
/// logon, moving only the chunks the other side lacks. Every store call is idempotent and retried
/// through <see cref="StoreConnection"/>, so a lost connection resumes the transfer, never restarts it.
/// The work is done by <see cref="ProfilePush"/>, <see cref="ProfilePull"/> and <see cref="PullJournal"/>.
/// </summary>
public sealed class ProfileSyncClient
{
    private readonly StoreConnection _store;
    private readonly ProfileSyncOptions _options;
    private readonly SyncStateStore _state;
    private readonly PullJournal _journal;
    private readonly ProfilePush _push;
    private readonly ProfilePull _pull;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IGrainFactory, IProfileCommitObserver> _observerReferences = [];

    public ProfileSyncClient(StoreConnection store, ProfileSyncOptions options, TimeProvider time, ILogger<ProfileSyncClient> logger)
    {
        _store = store;
        _options = options;
        _state = new SyncStateStore(options.StateDirectory);
        _journal = new PullJournal(_state, logger);
        _push = new ProfilePush(store, options, time, _state, _journal, logger);
        _pull = new ProfilePull(store, options, time, _state, _journal, logger);
    }

    /// <summary>Test seam: called after each file of a pull is moved into place (a test throws from it to stand for a kill).</summary>
    internal Action<string>? AfterMove
    {
        get => _journal.AfterMove;
        set => _journal.AfterMove = value;
    }

    /// <summary>Test seam: called between a push's hash pass and its send pass.</summary>
    internal Action? BeforePushSend
    {
        get => _push.BeforeSend;
        set => _push.BeforeSend = value;
    }

    /// <summary>Test seam: called once a pull has hashed the local files, before it builds the new ones from them.</summary>
    internal Action? BeforePullBuild
    {
        get => _pull.BeforeBuild;
        set => _pull.BeforeBuild = value;
    }

    public Task<ProfileStatus> GetStatusAsync(ProfileKey profile, CancellationToken cancellationToken)
        => _store.CallAsync(f => f.GetProfile(profile).GetStatus(), cancellationToken);

    public Task<ImmutableArray<SnapshotInfo>> GetHistoryAsync(ProfileKey profile, CancellationToken cancellationToken)
        => _store.CallAsync(f => f.GetProfile(profile).GetHistory(), cancellationToken);

    public Task<CommitResult> RestoreAsync(ProfileKey profile, int snapshot, CancellationToken cancellationToken)
        => _store.CallAsync(f => f.GetProfile(profile).Restore(snapshot, _options.Machine), cancellationToken);

    public Task<GarbageCollectionResult> CollectGarbageAsync(ProfileKey profile, CancellationToken cancellationToken)
        => _store.CallAsync(f => f.GetProfile(profile).CollectGarbage(), cancellationToken);

    /// <summary>Raised when the store connection was made again or lost a gateway: subscriptions are renewed then.</summary>
    public event Action? Reconnected
    {
        add => _store.Reconnected += value;
        remove => _store.Reconnected -= value;
    }

    /// <summary>
    /// Subscribes (or renews) this machine to <paramref name="profile"/>'s commits. One observer per client: its
    /// reference is made once for each connection, since a reconnect is a new client the silos know apart.
    /// </summary>
    public Task<CommitSubscription> SubscribeAsync(ProfileKey profile, IProfileCommitObserver observer, CancellationToken cancellationToken)
        => _store.CallAsync(f => f.GetGrain<IProfileSubscriptionsGrain>(profile.Value)
            .Subscribe(_options.Machine, _observerReferences.GetValue(f, factory => factory.CreateObjectReference<IProfileCommitObserver>(observer))), cancellationToken);

    public Task<SyncRecord?> GetSyncRecordAsync(ProfileKey profile, string path, CancellationToken cancellationToken)
        => _state.LoadAsync(profile, path, cancellationToken);

    /// <summary>Whether <paramref name="path"/> has roaming files changed, added or removed since this machine last synced it.</summary>
    public Task<bool> HasLocalChangesAsync(ProfileKey profile, string path, CancellationToken cancellationToken)
        => LocalChanges.SinceLastSyncAsync(_state, profile, path, _options.Filter, cancellationToken);

    public Task<PushResult> PushAsync(ProfileKey profile, string path, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
        => _push.RunAsync(profile, path, progress, cancellationToken);

    public Task<PullResult> PullAsync(ProfileKey profile, string path, int snapshotNumber, bool force, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
        => _pull.RunAsync(profile, path, snapshotNumber, force, progress, cancellationToken);

    /// <inheritdoc cref="ProfilePull.ResolveTargets"/>
    internal static List<(ManifestFile File, string Target)> ResolveTargets(string path, ProfileManifest manifest)
        => ProfilePull.ResolveTargets(path, manifest);
}
