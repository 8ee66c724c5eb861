namespace Orleans.Profiles.Agent.Service;

/// <summary>Off Windows no session is known: the hive check alone keeps a loaded profile from being pushed.</summary>
public sealed class NoSessions : ILoggedOnUsers
{
    public IReadOnlySet<ProfileKey> Current() => new HashSet<ProfileKey>();

    public ProfileKey? UserOf(int sessionId) => null;
}
