using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Orleans.Profiles.Agent.Service;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Tests.Service;

/// <summary>
/// The store side of the service, recorded: which folders were pushed and pulled, with a signal for each push.
/// Each account has a current snapshot in the store and the one this machine last synced; a push makes a new
/// current one that this machine has, a pull makes this machine have the current one.
/// </summary>
internal sealed class FakeStore : IProfileStoreClient
{
    private readonly Channel<RoamingUser> _pushes = Channel.CreateUnbounded<RoamingUser>();

    public event Action? Reconnected;

    public ConcurrentDictionary<ProfileKey, bool> Changed { get; } = new();

    public ConcurrentQueue<ProfileKey> Pushed { get; } = new();

    public ConcurrentQueue<ProfileKey> Pulled { get; } = new();

    /// <summary>Every store call in order, as <c>push alice</c>, <c>pull alice</c>, <c>subscribe alice</c>.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentDictionary<ProfileKey, SnapshotInfo> Current { get; } = new();

    public ConcurrentDictionary<ProfileKey, int> Synced { get; } = new();

    /// <summary>The accounts whose next subscription the silo does not know (as after a silo loss).</summary>
    public ConcurrentDictionary<ProfileKey, bool> SubscriptionLost { get; } = new();

    public IProfileCommitObserver? Observer { get; private set; }

    public Func<RoamingUser, Task>? OnPush { get; set; }

    public Exception? StatusFailure { get; set; }

    /// <summary>The store's conflict policy is KeepCurrent: a push not based on the current snapshot stays in history only.</summary>
    public bool KeepCurrentOnConflict { get; set; }

    public async Task<PushResult> PushAsync(RoamingUser user, CancellationToken cancellationToken)
    {
        if (OnPush is { } onPush)
        {
            await onPush(user);
        }

        Pushed.Enqueue(user.Account);
        Calls.Enqueue($"push {user.Account}");
        var stale = Current.TryGetValue(user.Account, out var current) && current.Number != Synced.GetValueOrDefault(user.Account);
        var snapshot = Commit(user.Account, "ws", DateTimeOffset.UnixEpoch);
        if (stale && KeepCurrentOnConflict)
        {
            Current[user.Account] = current!;
        }

        Synced[user.Account] = snapshot.Number;
        _pushes.Writer.TryWrite(user);
        return new PushResult(user.Account.Value, snapshot, Unchanged: false, AlreadyCommitted: false, 1, 1, 1, 1, 1, 1, TimeSpan.Zero);
    }

    /// <summary>A commit by <paramref name="machine"/>: the store's new current snapshot.</summary>
    public SnapshotInfo Commit(ProfileKey account, string machine, DateTimeOffset at)
    {
        var number = (Current.TryGetValue(account, out var was) ? was.Number : 0) + 1;
        return Current[account] = new SnapshotInfo(number, at, machine, 1, 1, ContentHash.Compute([]), was?.Number ?? 0, 0, 0, Guid.NewGuid());
    }

    public Task<bool> HasChangesAsync(RoamingUser user, CancellationToken cancellationToken)
        => Task.FromResult(Changed.GetValueOrDefault(user.Account, true));

    public Task<PullResult> PullAsync(RoamingUser user, CancellationToken cancellationToken)
    {
        var current = Current[user.Account];
        Pulled.Enqueue(user.Account);
        Calls.Enqueue($"pull {user.Account}");
        Synced[user.Account] = current.Number;
        return Task.FromResult(new PullResult(user.Account.Value, current, 1, 1, 0, 1, 1, 1, TimeSpan.Zero));
    }

    public Task<ProfileStatus> GetStatusAsync(RoamingUser user, CancellationToken cancellationToken)
        => StatusFailure is { } failure
            ? Task.FromException<ProfileStatus>(failure)
            : Task.FromResult(new ProfileStatus(user.Account.Value, Current.GetValueOrDefault(user.Account), Current.ContainsKey(user.Account) ? 1 : 0, 0));

    public Task<int?> SyncedSnapshotAsync(RoamingUser user, CancellationToken cancellationToken)
        => Task.FromResult(Synced.TryGetValue(user.Account, out var n) ? n : (int?)null);

    public Task<CommitSubscription> SubscribeAsync(RoamingUser user, IProfileCommitObserver observer, CancellationToken cancellationToken)
    {
        Observer = observer;
        Calls.Enqueue($"subscribe {user.Account}");
        var isNew = SubscriptionLost.TryRemove(user.Account, out _);
        return Task.FromResult(new CommitSubscription(isNew, "127.0.0.1:11111", DateTimeOffset.UnixEpoch + CommitSubscription.Lifetime));
    }

    public void RaiseReconnected() => Reconnected?.Invoke();

    public async Task<RoamingUser> NextPushAsync() => await _pushes.Reader.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
}

/// <summary>Hives held by the profile service, and a signal each time the service looks.</summary>
internal sealed class FakeHives : IHiveAccess
{
    private readonly Channel<ProfileKey> _checks = Channel.CreateUnbounded<ProfileKey>();

    public ConcurrentDictionary<ProfileKey, bool> Loaded { get; } = new();

    public bool IsUnloaded(RoamingUser user)
    {
        var unloaded = !Loaded.GetValueOrDefault(user.Account);
        _checks.Writer.TryWrite(user.Account);
        return unloaded;
    }

    public async Task<ProfileKey> NextCheckAsync() => await _checks.Reader.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
}

internal sealed class FakeSessions(params (int Session, string Account)[] sessions) : ILoggedOnUsers
{
    public Dictionary<int, ProfileKey> Users { get; } = sessions.ToDictionary(s => s.Session, s => ProfileKey.Parse(s.Account));

    public bool Fail { get; set; }

    public IReadOnlySet<ProfileKey> Current()
        => Fail ? throw new System.ComponentModel.Win32Exception(5, "access denied") : Users.Values.ToImmutableHashSet();

    public ProfileKey? UserOf(int sessionId) => Users.TryGetValue(sessionId, out var user) ? user : null;
}

internal sealed class FakeProfileList(params ProfileListEntry[] entries) : IProfileList
{
    public List<ProfileListEntry> Entries { get; } = [.. entries];

    public Dictionary<ProfileKey, string> Sids { get; } = [];

    public IReadOnlyList<ProfileListEntry> Read() => [.. Entries];

    public string? SidOf(ProfileKey account) => Sids.GetValueOrDefault(account);

    public void Register(string sid, string folder) => Entries.Add(new ProfileListEntry(sid, null, folder));
}
