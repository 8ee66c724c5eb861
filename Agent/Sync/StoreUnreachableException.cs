namespace Orleans.Profiles.Sync;

/// <summary>No gateway answered within the configured attempts; nothing was changed by the failed call.</summary>
public sealed class StoreUnreachableException(string message, Exception inner) : Exception(message, inner);
