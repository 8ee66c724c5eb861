using System.Diagnostics.Metrics;

namespace Orleans.Profiles.Agent.Service;

/// <summary>The service's meter (<c>dotnet-counters monitor -n profiles-agent --counters Orleans.Profiles.Agent</c>, or any OpenTelemetry listener).</summary>
public sealed class AgentMetrics : IDisposable
{
    public const string MeterName = "Orleans.Profiles.Agent";
    private readonly Meter _meter = new(MeterName);

    public AgentMetrics()
    {
        CommitToCurrent = _meter.CreateHistogram<double>("profiles_agent_commit_to_current", "s",
            "From a commit on another machine to its files being current here, for each pre-fetch");
        Prefetches = _meter.CreateCounter<long>("profiles_agent_prefetches", description: "Snapshots pulled before their user logged on");
        StaleLogons = _meter.CreateCounter<long>("profiles_agent_stale_logons", description: "Logons while the store held a newer snapshot than this machine");
    }

    public Histogram<double> CommitToCurrent { get; }

    public Counter<long> Prefetches { get; }

    public Counter<long> StaleLogons { get; }

    public void Dispose() => _meter.Dispose();
}
