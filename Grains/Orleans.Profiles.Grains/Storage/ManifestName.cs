using System.Globalization;

namespace Orleans.Profiles.Storage;

/// <summary>The name of a stored manifest: a committed snapshot's, or an open upload session's.</summary>
public readonly record struct ManifestName(string Value)
{
    public static ManifestName ForSnapshot(int number) => new($"snapshot-{number.ToString("D10", CultureInfo.InvariantCulture)}");

    public static ManifestName ForSession(Guid session) => new($"session-{session:N}");

    /// <summary>The snapshot number this name is for, or null for a session's manifest.</summary>
    public int? Snapshot => Value.StartsWith("snapshot-", StringComparison.Ordinal) && int.TryParse(Value.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The upload session this name is for, or null for a snapshot's manifest.</summary>
    public Guid? Session => Value.StartsWith("session-", StringComparison.Ordinal) && Guid.TryParseExact(Value.AsSpan(8), "N", out var id) ? id : null;

    public override string ToString() => Value;
}
