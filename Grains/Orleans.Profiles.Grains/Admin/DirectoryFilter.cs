using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.Profiles.Admin;

/// <summary>
/// The filters of <c>admin list</c>, ANDed: <c>FIELD OP VALUE</c> with OP one of <c>= != &gt; &gt;= &lt; &lt;= ~</c>
/// (<c>~</c>: contains). Fields: <c>account</c>, <c>machine</c> (text); <c>bytes</c> (a size, K/M/G/T binary
/// suffixes); <c>snapshots</c>, <c>open-uploads</c>, <c>conflicts</c>, <c>damaged-hives</c> (counts);
/// <c>last-commit</c>, <c>upload-age</c> (ages: <c>30m</c>, <c>12h</c>, <c>7d</c>; a profile never committed is older than any).
/// </summary>
public sealed partial class DirectoryFilter
{
    private static readonly string[] Fields = ["account", "machine", "bytes", "snapshots", "open-uploads", "conflicts", "damaged-hives", "last-commit", "upload-age"];

    private readonly List<Func<ProfileListing, DateTimeOffset, bool>> _terms;

    private DirectoryFilter(List<Func<ProfileListing, DateTimeOffset, bool>> terms, string canonical)
    {
        _terms = terms;
        Canonical = canonical;
    }

    /// <summary>The filters in one normalised form: two queries with the same form are the same query.</summary>
    public string Canonical { get; }

    public bool Matches(ProfileListing profile, DateTimeOffset now) => _terms.TrueForAll(t => t(profile, now));

    /// <exception cref="InvalidDirectoryQueryException">A term that is not FIELD OP VALUE with a known field, an operator it takes, and a value of its kind.</exception>
    public static DirectoryFilter Parse(IEnumerable<string> filters)
    {
        var terms = new List<Func<ProfileListing, DateTimeOffset, bool>>();
        var canonical = new List<string>();
        foreach (var filter in filters)
        {
            var match = Term().Match(filter ?? "");
            if (!match.Success)
            {
                throw Bad($"\"{filter}\" is not FIELD OP VALUE (e.g. open-uploads>0, bytes>=1G, last-commit>7d, account~smith)");
            }

            var (field, op, value) = (match.Groups[1].Value.ToLowerInvariant(), match.Groups[2].Value, match.Groups[3].Value);
            terms.Add(field switch
            {
                "account" => Text(op, value, p => p.Account),
                "machine" => Text(op, value, p => p.LastMachine ?? ""),
                "bytes" => Number(op, Size(value), (p, _) => p.RetainedBytes),
                "snapshots" => Number(op, Count(value), (p, _) => p.Snapshots),
                "open-uploads" => Number(op, Count(value), (p, _) => p.OpenUploads.Length),
                "conflicts" => Number(op, Count(value), (p, _) => p.Conflicts.Length),
                "damaged-hives" => Number(op, Count(value), (p, _) => p.DamagedHives.Length),
                "last-commit" => Number(op, Age(value), (p, now) => p.LastCommitAt is { } at ? (now - at).Ticks : long.MaxValue),
                "upload-age" => Number(op, Age(value), (p, now) => p.OpenUploads.IsEmpty ? 0 : (now - p.OpenUploads.Min(u => u.StartedAt)).Ticks),
                _ => throw Bad($"\"{field}\" is not a field; the fields are {string.Join(", ", Fields)}"),
            });
            canonical.Add($"{field}{op}{value.ToLowerInvariant()}");
        }

        canonical.Sort(StringComparer.Ordinal);
        return new DirectoryFilter(terms, string.Join('\n', canonical));
    }

    private static Func<ProfileListing, DateTimeOffset, bool> Text(string op, string value, Func<ProfileListing, string> field) => op switch
    {
        "=" => (p, _) => string.Equals(field(p), value, StringComparison.OrdinalIgnoreCase),
        "!=" => (p, _) => !string.Equals(field(p), value, StringComparison.OrdinalIgnoreCase),
        "~" => (p, _) => field(p).Contains(value, StringComparison.OrdinalIgnoreCase),
        _ => throw Bad($"a text field takes =, != or ~, not {op}"),
    };

    private static Func<ProfileListing, DateTimeOffset, bool> Number(string op, long value, Func<ProfileListing, DateTimeOffset, long> field) => op switch
    {
        "=" => (p, now) => field(p, now) == value,
        "!=" => (p, now) => field(p, now) != value,
        ">" => (p, now) => field(p, now) > value,
        ">=" => (p, now) => field(p, now) >= value,
        "<" => (p, now) => field(p, now) < value,
        "<=" => (p, now) => field(p, now) <= value,
        _ => throw Bad($"a number, size or age takes = != > >= < <=, not {op}"),
    };

    private static long Count(string value)
        => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw Bad($"\"{value}\" is not a count");

    private static long Size(string value)
    {
        var unit = value.Length > 0 ? char.ToUpperInvariant(value[^1]) : ' ';
        var shift = unit switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
        var digits = shift == 0 ? value : value[..^1];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= long.MaxValue >> shift
            ? n << shift
            : throw Bad($"\"{value}\" is not a size (bytes, or a number with K, M, G or T)");
    }

    private static long Age(string value)
    {
        var unit = value.Length > 1 ? char.ToLowerInvariant(value[^1]) : ' ';
        var tick = unit switch { 'm' => TimeSpan.TicksPerMinute, 'h' => TimeSpan.TicksPerHour, 'd' => TimeSpan.TicksPerDay, _ => 0 };
        return tick != 0 && long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100_000
            ? n * tick
            : throw Bad($"\"{value}\" is not an age (a number with m, h or d)");
    }

    private static InvalidDirectoryQueryException Bad(string problem) => new(problem);

    [GeneratedRegex(@"^\s*([A-Za-z-]+)\s*(!=|>=|<=|=|>|<|~)\s*(\S(?:.*\S)?)\s*$")]
    private static partial Regex Term();
}
