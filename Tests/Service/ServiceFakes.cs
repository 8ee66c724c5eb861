using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Orleans.Profiles.Agent.Service;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Tests.Service;

/// <summary>The store side of the service, recorded: which folders were pushed, and a signal for each push.</summary>
internal sealed class FakeUploader : IProfileUploader
{
    private readonly Channel<RoamingUser> _pushes = Channel.CreateUnbounded<RoamingUser>();

    public ConcurrentDictionary<ProfileKey, bool> Changed { get; } = new();

    public ConcurrentQueue<ProfileKey> Pushed { get; } = new();

    public Func<RoamingUser, Task>? OnPush { get; set; }

    public async Task<PushResult> PushAsync(RoamingUser user, CancellationToken cancellationToken)
    {
        if (OnPush is { } onPush)
        {
            await onPush(user);
        }

        Pushed.Enqueue(user.Account);
        _pushes.Writer.TryWrite(user);
        var snapshot = new SnapshotInfo(Pushed.Count, DateTimeOffset.UnixEpoch, "ws", 1, 1, ContentHash.Compute([]), 0, 0, 0, Guid.NewGuid());
        return new PushResult(user.Account.Value, snapshot, Unchanged: false, AlreadyCommitted: false, 1, 1, 1, 1, 1, 1, TimeSpan.Zero);
    }

    public Task<bool> HasChangesAsync(RoamingUser user, CancellationToken cancellationToken)
        => Task.FromResult(Changed.GetValueOrDefault(user.Account, true));

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
    public IReadOnlyList<ProfileListEntry> Read() => entries;
}
