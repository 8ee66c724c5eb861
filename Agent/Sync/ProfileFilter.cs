using System.Buffers;
using System.IO.Enumeration;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Orleans.Profiles.Sync;

/// <summary>
/// Which paths of a profile folder roam, like Windows roaming profiles and Citrix Profile
/// Management: a path roams unless an exclude pattern matches it or a folder above it, and an
/// include pattern wins over every exclude (the second hive roams although <c>AppData\Local</c>
/// does not). Patterns are relative to the profile folder, with <c>\</c> (or <c>/</c>) separators,
/// the wildcards <c>*</c>, <c>**</c> and <c>?</c>, and compared case-insensitively, as Windows does.
/// </summary>
public sealed class ProfileFilter
{
    /// <summary>Machine-specific caches and settings: Windows roaming profiles never roam them.</summary>
    public const string LocalAppData = @"AppData\Local";

    /// <summary>The low-integrity twin of <see cref="LocalAppData"/>, likewise left on the machine by Windows.</summary>
    public const string LocalLowAppData = @"AppData\LocalLow";

    /// <summary>Deleted files; in Citrix Profile Management's default folder exclusions.</summary>
    public const string RecycleBin = "$Recycle.Bin";

    /// <summary>Temporary files an application left behind (Citrix Profile Management's example exclusion).</summary>
    public const string TemporaryFiles = @"**\*.tmp";

    /// <summary>Office's owner files (<c>~$report.docx</c>): roamed, they tell another machine the document is still open.</summary>
    public const string OfficeOwnerFiles = @"**\~$*";

    /// <summary>
    /// The disk caches of Chromium-based apps (Electron: Teams, Slack, VS Code), kept in their folder
    /// under Roaming; FSLogix excludes the same folders of the browsers, whose caches are under
    /// <see cref="LocalAppData"/> already.
    /// </summary>
    public const string AppCache = @"AppData\Roaming\*\Cache";

    /// <inheritdoc cref="AppCache"/>
    public const string AppCodeCache = @"AppData\Roaming\**\Code Cache";

    /// <inheritdoc cref="AppCache"/>
    public const string AppGpuCache = @"AppData\Roaming\**\GPUCache";

    /// <summary>
    /// The user's second hive (file associations, shell settings), which Windows keeps under
    /// <see cref="LocalAppData"/> yet roams with <c>NTUSER.DAT</c>: with its <c>.LOG1/.LOG2</c> and
    /// transaction files (<c>UsrClass.dat{GUID}.TM.blf</c>, <c>.regtrans-ms</c>), which must travel with it.
    /// </summary>
    public const string SecondHive = @"AppData\Local\Microsoft\Windows\UsrClass.dat*";

    private static readonly SearchValues<char> NotInNames = SearchValues.Create("<>\"|");

    private readonly PatternSet _excludes;
    private readonly PatternSet _includes;

    private ProfileFilter(IEnumerable<string> excludes, IEnumerable<string> includes)
    {
        Excludes = [.. excludes];
        Includes = [.. includes];
        _excludes = new PatternSet(Excludes);
        _includes = new PatternSet(Includes);
    }

    /// <summary>What roams when nothing else is said. NTUSER.DAT's own logs and transaction files are never excluded.</summary>
    public static IReadOnlyList<string> DefaultExcludes { get; } =
        [LocalAppData, LocalLowAppData, RecycleBin, TemporaryFiles, OfficeOwnerFiles, AppCache, AppCodeCache, AppGpuCache];

    public static IReadOnlyList<string> DefaultIncludes { get; } = [SecondHive];

    public static ProfileFilter Default { get; } = new(DefaultExcludes, DefaultIncludes);

    /// <summary>The exclude patterns in force, defaults first.</summary>
    public IReadOnlyList<string> Excludes { get; }

    /// <summary>The include patterns in force, defaults first.</summary>
    public IReadOnlyList<string> Includes { get; }

    /// <summary>The defaults with these patterns added.</summary>
    /// <exception cref="InvalidProfilePatternException">A pattern is empty, rooted or leaves the profile folder.</exception>
    public static ProfileFilter Create(IEnumerable<string> excludes, IEnumerable<string> includes)
        => new([.. DefaultExcludes, .. excludes], [.. DefaultIncludes, .. includes]);

    /// <summary>Whether the file at <paramref name="profilePath"/> (relative, <c>\</c>-separated, as <see cref="ProfilePath"/> has it) roams.</summary>
    public bool Roams(string profilePath) => !_excludes.Matches(profilePath) || _includes.Matches(profilePath);

    /// <summary>
    /// Whether a file under the folder at <paramref name="profileFolder"/> may roam: false when an
    /// exclude names the folder (or one above it) and no include can match anything below it.
    /// </summary>
    internal bool MayRoamUnder(string profileFolder) => !_excludes.Matches(profileFolder) || _includes.MayMatchUnder(profileFolder);

    /// <summary>The segments of a pattern, or why it cannot name a path inside a profile folder.</summary>
    private static string[] Parse(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new InvalidProfilePatternException(pattern ?? "", "is empty");
        }

        if (pattern[0] is '\\' or '/' || pattern.Contains(':'))
        {
            throw new InvalidProfilePatternException(pattern, @"is rooted (a drive, a share or a leading '\'): patterns are relative to the profile folder, as AppData\Roaming\Big\*.iso");
        }

        if (pattern.AsSpan().IndexOfAny(NotInNames) >= 0 || pattern.Any(char.IsControl))
        {
            throw new InvalidProfilePatternException(pattern, "has a character Windows does not allow in file names");
        }

        var segments = pattern.Split(['\\', '/'], StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        return segments.Contains("..")
            ? throw new InvalidProfilePatternException(pattern, "has a '..' segment, which leaves the profile folder")
            : segments.Length == 0 ? throw new InvalidProfilePatternException(pattern, "is empty") : segments;
    }

    /// <summary>
    /// Patterns matched by FileSystemGlobbing's <see cref="Matcher"/>. It has <c>*</c> and <c>**</c> but
    /// no <c>?</c>, so the few patterns with one are matched segment by segment with the BCL's
    /// <see cref="FileSystemName.MatchesSimpleExpression(ReadOnlySpan{char}, ReadOnlySpan{char}, bool)"/>.
    /// Each pattern also matches everything under a folder it names.
    /// </summary>
    private sealed class PatternSet
    {
        // Matched in memory, never on disk; a root that is no drive's root, where the matcher's paths are simplest.
        private static readonly string Root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "profile"));

        private readonly Matcher _matcher = new(StringComparison.OrdinalIgnoreCase);
        private readonly List<string[]> _patterns = [];
        private readonly List<string[]> _withQuestionMark = [];
        private readonly bool _empty = true;

        public PatternSet(IEnumerable<string> patterns)
        {
            foreach (var segments in patterns.Select(Parse))
            {
                _patterns.Add(segments);
                if (segments.Any(s => s.Contains('?')))
                {
                    _withQuestionMark.Add([.. segments, "**"]);
                }
                else
                {
                    var glob = string.Join('/', segments);
                    _matcher.AddInclude(glob).AddInclude(glob + "/**");
                    _empty = false;
                }
            }
        }

        public bool Matches(string profilePath)
        {
            var segments = profilePath.Split(ProfilePath.Separator);
            return (!_empty && _matcher.Match(Root, string.Join('/', segments)).HasMatches)
                || _withQuestionMark.Any(p => MatchesSegments(p, segments));
        }

        /// <summary>Whether some path under <paramref name="profileFolder"/> could match a pattern: its segments agree as far as they go.</summary>
        public bool MayMatchUnder(string profileFolder)
        {
            var folder = profileFolder.Split(ProfilePath.Separator);
            return _patterns.Any(pattern =>
            {
                for (var i = 0; i < folder.Length; i++)
                {
                    if (i >= pattern.Length || pattern[i] == "**")
                    {
                        return true;
                    }

                    if (!FileSystemName.MatchesSimpleExpression(pattern[i], folder[i], ignoreCase: true))
                    {
                        return false;
                    }
                }

                return true;
            });
        }

        private static bool MatchesSegments(ReadOnlySpan<string> pattern, ReadOnlySpan<string> path)
            => pattern.IsEmpty
                ? path.IsEmpty
                : pattern[0] == "**"
                    ? MatchesSegments(pattern[1..], path) || (!path.IsEmpty && MatchesSegments(pattern, path[1..]))
                    : !path.IsEmpty && FileSystemName.MatchesSimpleExpression(pattern[0], path[0], ignoreCase: true) && MatchesSegments(pattern[1..], path[1..]);
    }
}
