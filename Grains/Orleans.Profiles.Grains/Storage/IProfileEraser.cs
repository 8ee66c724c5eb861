namespace Orleans.Profiles.Storage;

/// <summary>
/// Removes everything a storage mode holds for one profile (packs, staging, manifests), item by item so a delete
/// can be paced and resumed: every call is idempotent, and a second run after a crash lists only what is left.
/// </summary>
public interface IProfileEraser
{
    /// <summary>Every stored item of the profile (a file or a blob, committed or not), by its name in the store.</summary>
    Task<IReadOnlyList<string>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default);

    /// <summary>Deletes one item <see cref="ListAsync"/> named; an item already gone is not an error.</summary>
    Task DeleteAsync(string item, CancellationToken cancellationToken = default);

    /// <summary>Removes what holds the items once they are gone (local: the profile's folders).</summary>
    Task FinishAsync(ProfileKey profile, CancellationToken cancellationToken = default);
}
