using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>Reporting: the summary counts and the log.</summary>
public sealed partial class Campaign
{
    private void SummaryCount(StepPlan plan)
    {
        CampaignSummary.Increment(_summary.ByKind, plan.Fault.Kind.ToString());
        CampaignSummary.Increment(_summary.ByTrigger, plan.Fault.Trigger.ToString());
        CampaignSummary.Increment(_summary.ByOperation, plan.Operation.ToString());
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Violation(StepContext? step, string invariant, string details)
    {
        var number = step?.Number ?? 0;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fault campaign violation: seed {_options.Seed}, step {number} of {_options.Injections}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Invariant: {invariant}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Scenario: {step?.Scenario ?? "set-up"}");
        text.AppendLine(details);
        text.AppendLine(CultureInfo.InvariantCulture, $"Replay: Campaign.Run({_options.Seed}, {Math.Max(number, 1)}), or PROFILES_CAMPAIGN_SEED={_options.Seed} PROFILES_CAMPAIGN_INJECTIONS={Math.Max(number, 1)} dotnet test --no-build --filter FullyQualifiedName~CampaignTests (see FAULTS.md).");
        if (step?.Run is { } run)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Agent: {run.Result}");
        }

        text.AppendLine("Previous steps:");
        foreach (var line in _recent)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
        }

        if (_store is not null)
        {
            text.AppendLine("Silo log (last lines):");
            foreach (var line in _store.Silo.Process.StandardOutput.Split('\n').TakeLast(25))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
            }
        }

        var message = text.ToString();
        _summary.Violations.Add(message);
        Say(message);
        throw new CampaignViolationException(message);
    }
}
