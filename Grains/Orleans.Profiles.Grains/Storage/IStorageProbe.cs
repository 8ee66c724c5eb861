namespace Orleans.Profiles.Storage;

/// <summary>Answers whether the storage mode's backing store is reachable, for the silo's readiness check.</summary>
public interface IStorageProbe
{
    /// <summary>Completes when storage answered; throws with the reason when it did not.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);
}
