using Orleans.Profiles.Tests.EndToEnd;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>What the campaign knows a committed snapshot holds.</summary>
/// <param name="Acknowledged">True when an agent exited 0 naming this snapshot; false when learned from a pull of a committed-but-unacknowledged snapshot.</param>
public sealed record KnownSnapshot(int Number, ProfileContent Content, string? ManifestHash, bool Acknowledged, int Step);

/// <summary>
/// The oracle for one user: every version its agents tried to push, the snapshots acknowledged to
/// them (and the committed-but-unacknowledged ones found later), and what the store's history showed.
/// </summary>
public sealed class UserModel(int index, string account)
{
    private readonly Dictionary<string, ProfileContent> _attempted = [];
    private readonly HashSet<string> _attemptedFiles = [];

    public int Index { get; } = index;

    public string Account { get; } = account;

    public List<WorkstationModel> Workstations { get; } = [];

    /// <summary>Snapshots whose content is known: acknowledged, or pulled back and matched to an attempt.</summary>
    public SortedDictionary<int, KnownSnapshot> Known { get; } = [];

    /// <summary>Every snapshot number ever listed in the store's history, with its manifest hash.</summary>
    public SortedDictionary<int, string> SeenInHistory { get; } = [];

    /// <summary>The newest snapshot number the campaign has seen (history, push or pull).</summary>
    public int NewestSeen { get; set; }

    public IEnumerable<KnownSnapshot> Acknowledged => Known.Values.Where(k => k.Acknowledged);

    /// <summary>The newest known content, an estimate of what the current snapshot holds.</summary>
    public ProfileContent? Latest => Known.Count == 0 ? null : Known.Values.MaxBy(k => k.Number)!.Content;

    public void Attempted(ProfileContent content)
    {
        if (_attempted.TryAdd(content.Fingerprint, content))
        {
            foreach (var (path, bytes) in content.Files)
            {
                _attemptedFiles.Add(FileKey(path, bytes));
            }
        }
    }

    /// <summary>Whether some version an agent of this user pushed had exactly these bytes at this path.</summary>
    public bool WasAttempted(string path, byte[] bytes) => _attemptedFiles.Contains(FileKey(path, bytes));

    public bool WasAttempted(ProfileContent content) => _attempted.ContainsKey(content.Fingerprint);

    public int AttemptCount => _attempted.Count;

    private static string FileKey(string path, byte[] bytes) => $"{path}|{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))}";
}

/// <summary>One simulated workstation of a user: its folder, its agent (own state folder, own machine name) and what the campaign knows of it.</summary>
public sealed class WorkstationModel(int index, string machine, string folder, AgentRunner agent)
{
    public int Index { get; } = index;

    public string Machine { get; } = machine;

    public string Folder { get; } = folder;

    public AgentRunner Agent { get; } = agent;

    /// <summary>What the campaign wrote or pulled into the folder (the truth on disk, temporary files aside).</summary>
    public ProfileContent Content { get; set; } = ProfileContent.Empty;

    /// <summary>What the folder held at its last successful push or pull; null before any.</summary>
    public ProfileContent? Synced { get; set; }

    /// <summary>Changed since the last acknowledged sync: a pull would stop with a conflict (exit 3), so the next step here pushes.</summary>
    public bool Dirty => Synced is null ? !Content.IsEmpty : Synced.Fingerprint != Content.Fingerprint;
}
