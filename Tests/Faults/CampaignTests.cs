using System.Globalization;
using Xunit.Abstractions;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>
/// The randomised fault campaign (see <see cref="Campaign"/> and FAULTS.md), on each storage mode. By
/// default a short campaign with a fixed seed; PROFILES_CAMPAIGN_SEED and PROFILES_CAMPAIGN_INJECTIONS
/// run another seed or a long campaign, PROFILES_CAMPAIGN_RETAIN makes the silo keep only that many
/// snapshots (so garbage collection runs), PROFILES_CAMPAIGN_SUMMARY names a file for the summary and
/// PROFILES_CAMPAIGN_LOG a file that receives each step as it ends.
/// </summary>
[Collection(FaultsCollection.Name)]
[Trait(TestCategory.Name, TestCategory.Faults)]
public sealed class CampaignTests(ITestOutputHelper output)
{
    public const int ShortSeed = 20261125;
    public const int ShortInjections = 20;

    // Azure mode adds Azurite restarts under a running silo; fewer steps keep the suite's time in bounds.
    public const int ShortAzureInjections = 8;

    [Fact]
    public Task Local_campaign() => RunAsync(CampaignStorage.Local, ShortInjections);

    [Fact]
    public Task Azure_campaign() => RunAsync(CampaignStorage.Azure, ShortAzureInjections);

    private async Task RunAsync(CampaignStorage storage, int injections)
    {
        var options = new CampaignOptions
        {
            Seed = Setting("PROFILES_CAMPAIGN_SEED") ?? ShortSeed,
            Injections = Setting("PROFILES_CAMPAIGN_INJECTIONS") ?? injections,
            RetainSnapshots = Setting("PROFILES_CAMPAIGN_RETAIN"),
            Storage = storage,
            SummaryPath = Environment.GetEnvironmentVariable("PROFILES_CAMPAIGN_SUMMARY") is { Length: > 0 } path ? path : null,
            Log = Logger(),
        };

        var summary = await Campaign.RunAsync(options);

        output.WriteLine(summary.ToMarkdown());
        Assert.Equal(options.Injections, summary.Steps);
        Assert.Empty(summary.Violations);
        Assert.Equal(options.Injections, summary.ByKind.Values.Sum());
    }

    private Action<string> Logger()
    {
        // The test's own output, and a file when asked (a long campaign's progress can be followed with tail -f).
        var file = Environment.GetEnvironmentVariable("PROFILES_CAMPAIGN_LOG") is { Length: > 0 } path ? path : null;
        return line =>
        {
            output.WriteLine(line);
            if (file is not null)
            {
                File.AppendAllText(file, line + Environment.NewLine);
            }
        };
    }

    private static int? Setting(string name)
        => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : null;
}
