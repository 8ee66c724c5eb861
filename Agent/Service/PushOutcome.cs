namespace Orleans.Profiles.Agent.Service;

public enum PushOutcome
{
    Pushed,
    Unchanged,
    HiveLoaded,
    Failed,
}
