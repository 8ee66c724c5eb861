namespace Orleans.Profiles.Sync;

/// <summary>Bytes read from the store did not match their hash: nothing local was replaced.</summary>
public sealed class SnapshotVerificationException(string message) : Exception(message);
