using System.Collections.Concurrent;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// Turns session events into logoffs of users: a logon's user is remembered, because once a session has
/// logged off Windows may no longer say whose it was.
/// </summary>
public sealed class SessionTracker(ILoggedOnUsers sessions, LogoffQueue logoffs, PrefetchQueue prefetches)
{
    private readonly ConcurrentDictionary<int, ProfileKey> _users = new();

    public void LoggedOn(int sessionId)
    {
        if (sessions.UserOf(sessionId) is { } user)
        {
            _users[sessionId] = user;

            // Too late to fetch, but a newer snapshot in the store must not go unnoticed.
            prefetches.Post(new PrefetchRequest(user, PrefetchReason.Logon));
        }
    }

    public void LoggedOff(int sessionId)
    {
        if ((_users.TryRemove(sessionId, out var known) ? known : sessions.UserOf(sessionId)) is { } user)
        {
            logoffs.Post(new SessionLogoff(sessionId, user));
        }
    }
}
