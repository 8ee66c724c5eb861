namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>Storage requests by kind and bytes each way, as counted by <see cref="StorageRequestCounter"/>.</summary>
public sealed record StorageRequests(IReadOnlyDictionary<string, int> ByKind, long BytesToStorage, long BytesFromStorage)
{
    public int Total => ByKind.Values.Sum();

    public StorageRequests Since(StorageRequests earlier)
        => new(ByKind.Select(k => (k.Key, Count: k.Value - earlier.ByKind.GetValueOrDefault(k.Key))).Where(k => k.Count != 0).ToDictionary(k => k.Key, k => k.Count, StringComparer.Ordinal),
            BytesToStorage - earlier.BytesToStorage, BytesFromStorage - earlier.BytesFromStorage);

    /// <summary>"12: 5 PUT blob (block), 4 PUT blob, …", most frequent first.</summary>
    public string Describe()
        => $"{Total}" + (Total == 0 ? "" : ": " + string.Join(", ", ByKind.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Value} {k.Key}")));
}
