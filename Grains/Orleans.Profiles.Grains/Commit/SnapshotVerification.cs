using Orleans.Profiles.Hives;

namespace Orleans.Profiles.Commit;

/// <summary>What <see cref="SnapshotVerifier.VerifyFilesAsync"/> found in the files of a snapshot about to be committed.</summary>
/// <param name="CorruptPath">The first file whose rebuilt bytes do not match its length and SHA-256; such a snapshot never commits.</param>
/// <param name="Damaged">The first registry hive that failed its structural check; the damaged-hive policy decides.</param>
/// <param name="Warning">What a user should know about the content (damage, a dirty hive without its logs), or null.</param>
public sealed record SnapshotVerification(string? CorruptPath, HiveCheckResult? Damaged, string? Warning);
