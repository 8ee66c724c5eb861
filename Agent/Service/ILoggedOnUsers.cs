namespace Orleans.Profiles.Agent.Service;

/// <summary>Who has a session on this machine now (console or remote).</summary>
public interface ILoggedOnUsers
{
    /// <summary>Every user with a session; a user here is never pushed by the sweep.</summary>
    IReadOnlySet<ProfileKey> Current();

    /// <summary>The user of a session, or null when it has none (the services session, a closed one).</summary>
    ProfileKey? UserOf(int sessionId);
}
