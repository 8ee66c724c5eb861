namespace Orleans.Profiles;

/// <summary>A workstation's subscription to a profile's commits, as the silo holding it sees it.</summary>
/// <param name="IsNew">
/// The silo did not know this machine's subscription: the first one, or one lost with a silo. Commits in
/// between were not notified, so the workstation checks the current snapshot at once.
/// </param>
/// <param name="Silo">The silo that holds the subscription (<c>HOST:PORT</c>), shown by <c>service status</c>.</param>
/// <param name="ExpiresAt">When the silo drops it unless renewed.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.CommitSubscription")]
public sealed record CommitSubscription(
    [property: Id(0)] bool IsNew,
    [property: Id(1)] string Silo,
    [property: Id(2)] DateTimeOffset ExpiresAt)
{
    /// <summary>How long a silo keeps a subscription that is not renewed: workstations renew well within it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
}
