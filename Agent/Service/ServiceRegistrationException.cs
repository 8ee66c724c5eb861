namespace Orleans.Profiles.Agent.Service;

/// <summary>The service could not be registered with, or removed from, the service control manager.</summary>
public sealed class ServiceRegistrationException(string message) : Exception(message);
