namespace Orleans.Profiles;

/// <summary>
/// A chunk of a target manifest that differs from its base at the same position (path and index).
/// <paramref name="BaseHash"/> is the base chunk there, when the base file has one at that index with the same chunk size.
/// </summary>
public sealed record DeltaChange(string Path, int Index, int Length, ContentHash Hash, ContentHash? BaseHash);
