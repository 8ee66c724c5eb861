using System.Globalization;

namespace Orleans.Profiles.Storage;

/// <summary>The name of a stored manifest: a committed snapshot's, or an open upload session's.</summary>
public readonly record struct ManifestName(string Value)
{
    public static ManifestName ForSnapshot(int number) => new($"snapshot-{number.ToString("D10", CultureInfo.InvariantCulture)}");

    public static ManifestName ForSession(Guid session) => new($"session-{session:N}");

    public override string ToString() => Value;
}
