namespace Orleans.Profiles.Sync;

/// <summary>
/// One change of a <see cref="PendingPull"/> to its target: a replacement by a verified temporary
/// with the SHA-256 it must have, or (no temporary) a deletion. <see cref="Before"/> is the SHA-256
/// the target had when the pull began (null when it did not exist): only then is the change made.
/// </summary>
public sealed record PendingFile(string Path, string Target, string? Temporary, string? Sha256, string? Before);
