namespace Orleans.Profiles.Agent.Service;

/// <summary>What the service last did for one roaming user, as <c>service status</c> shows it.</summary>
/// <param name="Pending">What is still to do and why (a hive not unloaded, a failed push), or null.</param>
/// <param name="StoreSnapshot">The store's current snapshot when last told or asked.</param>
/// <param name="Subscription">The silo holding this machine's commit subscription, and when it was last renewed.</param>
/// <param name="CommitToCurrent">For the last pre-fetch: from the commit on the other machine to the files being current here.</param>
/// <param name="StaleLogon">Set when the user logged on with an older snapshot than the store's; cleared by the next push or pull.</param>
public sealed record UserActivity(
    string Account,
    DateTimeOffset? LastPush = null,
    int? LastPushSnapshot = null,
    PushReason? LastPushReason = null,
    DateTimeOffset? LastPull = null,
    int? LastPullSnapshot = null,
    string? Pending = null,
    int? StoreSnapshot = null,
    string? SubscribedSilo = null,
    DateTimeOffset? SubscribedAt = null,
    TimeSpan? CommitToCurrent = null,
    string? StaleLogon = null);
