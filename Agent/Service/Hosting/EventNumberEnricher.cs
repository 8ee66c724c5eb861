using Serilog.Core;
using Serilog.Events;

namespace Orleans.Profiles.Agent.Service.Hosting;

/// <summary>Puts the event id (the Event Log's number, <see cref="ServiceEvents"/>) on each line of the rolling file.</summary>
public sealed class EventNumberEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue("EventId", out var eventId) && eventId is StructureValue structure
            && structure.Properties.FirstOrDefault(p => p.Name == "Id")?.Value is ScalarValue { Value: int id })
        {
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("EventNumber", id));
        }
    }
}
