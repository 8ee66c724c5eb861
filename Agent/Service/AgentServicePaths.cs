namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// Where the service keeps its files: under <c>%ProgramData%\Orleans.Profiles</c>, readable by SYSTEM and
/// Administrators only (it holds the machine token's path and every roaming user's sync record).
/// </summary>
public sealed record AgentServicePaths(string Root)
{
    public static AgentServicePaths Default { get; } = new(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "Orleans.Profiles"));

    public string ConfigFile => Path.Combine(Root, "agent.json");

    public string StateDirectory => Path.Combine(Root, "state");

    public string LogDirectory => Path.Combine(Root, "logs");

    /// <summary>The service's record of each user's last push, last pull and anything pending.</summary>
    public static string ActivityFile(string stateDirectory) => Path.Combine(stateDirectory, "service-activity.json");
}
