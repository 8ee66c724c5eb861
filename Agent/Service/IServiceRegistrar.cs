namespace Orleans.Profiles.Agent.Service;

/// <summary>The service control manager and the Event Log, as <c>service install/uninstall/status</c> use them.</summary>
public interface IServiceRegistrar
{
    /// <summary>Registers the service (automatic start, LocalSystem, restart on failure) and its Event Log source; returns what could not be set.</summary>
    IReadOnlyList<string> Install(string commandLine, TimeSpan preshutdownTimeout);

    /// <summary>Stops and removes the service and its Event Log source; false when it was not installed.</summary>
    bool Uninstall();

    /// <summary>The service's state (Running, Stopped…), or null when it is not installed.</summary>
    string? State();
}
