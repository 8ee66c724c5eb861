using System.Globalization;
using System.Text;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>What a campaign did: its injections by kind, how they ended, and any violation.</summary>
public sealed class CampaignSummary(int seed, int injections, CampaignStorage storage)
{
    public int Seed { get; } = seed;

    public CampaignStorage Storage { get; } = storage;

    /// <summary>Injections asked for.</summary>
    public int Injections { get; } = injections;

    /// <summary>Steps run (each injects one fault); fewer than asked when a violation stopped the campaign.</summary>
    public int Steps { get; set; }

    public TimeSpan Duration { get; set; }

    public SortedDictionary<string, int> ByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>Injections whose trigger fired while the agent was still running.</summary>
    public SortedDictionary<string, int> LandedByKind { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, int> ByTrigger { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, int> ByOperation { get; } = new(StringComparer.Ordinal);

    /// <summary>"push exit 0", "pull exit 4", "push killed"…</summary>
    public SortedDictionary<string, int> Outcomes { get; } = new(StringComparer.Ordinal);

    public int Acknowledged { get; set; }

    /// <summary>Snapshots committed although their agent did not see the acknowledgement, found by later pulls or pushes.</summary>
    public int CommittedUnacknowledged { get; set; }

    /// <summary>Pushes acknowledged as "already committed": an earlier answer to the same upload's commit was lost.</summary>
    public int AlreadyCommitted { get; set; }

    public int Conflicts { get; set; }

    public int SiloStarts { get; set; }

    /// <summary>Interrupted pulls that left a folder holding some new files and some old ones.</summary>
    public int MixedPulls { get; set; }

    public int AgentRuns { get; set; }

    public List<string> Violations { get; } = [];

    /// <summary>Things worth a look that are not invariant violations (e.g. a silo that did not stop cleanly).</summary>
    public List<string> Notes { get; } = [];

    public static void Increment(SortedDictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fault campaign: seed {Seed}, {Storage} storage, {Steps} of {Injections} injection(s), {Duration.TotalSeconds:0} s, {(Violations.Count == 0 ? "no violation" : $"{Violations.Count} violation(s)")}");
        text.AppendLine();
        text.AppendLine("| injection | count | landed while the agent ran |");
        text.AppendLine("| --- | ---: | ---: |");
        foreach (var (kind, count) in ByKind)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {count} | {LandedByKind.GetValueOrDefault(kind)} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- triggers: {Join(ByTrigger)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- operations: {Join(ByOperation)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- agent outcomes: {Join(Outcomes)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- snapshots acknowledged: {Acknowledged}; committed but unacknowledged (found later): {CommittedUnacknowledged}; acknowledged as already committed (an earlier answer was lost): {AlreadyCommitted}; conflicts: {Conflicts}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- interrupted pulls that left a mix of old and new files, each finished by the next pull: {MixedPulls}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- silo starts: {SiloStarts}; agent runs: {AgentRuns}");
        foreach (var note in Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- note: {note}");
        }

        foreach (var violation in Violations)
        {
            text.AppendLine();
            text.AppendLine("Violation:");
            text.AppendLine();
            text.AppendLine("```");
            text.AppendLine(violation);
            text.AppendLine("```");
        }

        return text.ToString();
    }

    private static string Join(SortedDictionary<string, int> counts) => string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
}

/// <summary>An invariant did not hold; the message says which, with the seed, the step and the scenario that replay it.</summary>
public sealed class CampaignViolationException(string message) : Exception(message);
