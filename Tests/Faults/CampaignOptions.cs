using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>How a campaign runs.</summary>
public sealed record CampaignOptions
{
    public required int Seed { get; init; }

    /// <summary>Steps to run; each injects one fault.</summary>
    public required int Injections { get; init; }

    public int Users { get; init; } = 3;

    public CampaignStorage Storage { get; init; } = CampaignStorage.Local;

    /// <summary>
    /// When set, the silo keeps only this many newest snapshots (and no age window), so garbage
    /// collection runs during the campaign and older snapshots may leave history. Null: the silo's
    /// defaults, under which every snapshot of a campaign is retained.
    /// </summary>
    public int? RetainSnapshots { get; init; }

    /// <summary>Receives one line per step (and the set-up and final checks).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Where to write the summary (markdown) when the campaign ends, with or without a violation.</summary>
    public string? SummaryPath { get; init; }
}
