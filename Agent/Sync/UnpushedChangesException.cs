namespace Orleans.Profiles.Sync;

/// <summary>
/// A pull would overwrite local files changed since this workstation last synced them: those
/// changes were never pushed, so the pull stops rather than lose them (push first, or pull with force).
/// </summary>
public sealed class UnpushedChangesException(IReadOnlyList<string> paths)
    : Exception($"{paths.Count} local file(s) changed since the last sync and were never pushed ({string.Join(", ", paths.Take(5))}{(paths.Count > 5 ? ", …" : "")}): push them first, or pull with --force to overwrite them.")
{
    public IReadOnlyList<string> Paths { get; } = paths;
}
