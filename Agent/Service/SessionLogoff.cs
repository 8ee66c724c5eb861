namespace Orleans.Profiles.Agent.Service;

/// <summary>A user's session ended (<c>WTS_SESSION_LOGOFF</c>).</summary>
public sealed record SessionLogoff(int SessionId, ProfileKey Account);
