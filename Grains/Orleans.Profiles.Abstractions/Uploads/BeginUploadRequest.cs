using System.Security.Cryptography;
using System.Text;

namespace Orleans.Profiles;

/// <summary>Opens (or, with the same id, resumes) an upload session.</summary>
/// <param name="SessionId">Chosen by the agent; <see cref="DeriveSessionId"/> makes a retried push resume its session.</param>
/// <param name="Manifest">The files to commit, without locations.</param>
/// <param name="ManifestHash">The agent's hash of <paramref name="Manifest"/>; the store recomputes and compares it.</param>
/// <param name="BaseSnapshot">The snapshot the workstation last synced (0 for none): how conflicts are detected.</param>
/// <param name="Machine">The workstation's name, kept in history.</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.BeginUploadRequest")]
public sealed record BeginUploadRequest(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] ProfileManifest Manifest,
    [property: Id(2)] ContentHash ManifestHash,
    [property: Id(3)] int BaseSnapshot,
    [property: Id(4)] string Machine)
{
    public const int MaxMachineLength = 256;

    /// <summary>
    /// The same content pushed from the same base by the same machine is the same session, so an
    /// agent killed mid-upload resumes where it stopped when run again, with no local bookkeeping.
    /// </summary>
    public static Guid DeriveSessionId(ContentHash manifestHash, int baseSnapshot, string machine)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{manifestHash}|{baseSnapshot}|{machine.ToUpperInvariant()}"));
        return new Guid(digest.AsSpan(0, 16));
    }
}
