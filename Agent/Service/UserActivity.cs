namespace Orleans.Profiles.Agent.Service;

/// <summary>What the service last did for one roaming user, as <c>service status</c> shows it.</summary>
/// <param name="Pending">What is still to do and why (a hive not unloaded, a failed push), or null.</param>
public sealed record UserActivity(
    string Account,
    DateTimeOffset? LastPush = null,
    int? LastPushSnapshot = null,
    PushReason? LastPushReason = null,
    DateTimeOffset? LastPull = null,
    int? LastPullSnapshot = null,
    string? Pending = null);
