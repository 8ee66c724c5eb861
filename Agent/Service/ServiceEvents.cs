using Microsoft.Extensions.Logging;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// The Event Log ids of the service (source <c>OrleansProfilesAgent</c>, log Application), also in the rolling
/// file; the README lists them for the monitoring of a fleet. Ids are stable: add, never renumber.
/// </summary>
public static class ServiceEvents
{
    public static readonly EventId Started = new(1000, nameof(Started));
    public static readonly EventId Stopping = new(1001, nameof(Stopping));
    public static readonly EventId Preshutdown = new(1002, nameof(Preshutdown));
    public static readonly EventId LogoffReceived = new(1100, nameof(LogoffReceived));
    public static readonly EventId HiveUnloaded = new(1101, nameof(HiveUnloaded));
    public static readonly EventId HiveStillLoaded = new(1102, nameof(HiveStillLoaded));
    public static readonly EventId LogoffNotRoaming = new(1103, nameof(LogoffNotRoaming));
    public static readonly EventId Pushed = new(1200, nameof(Pushed));
    public static readonly EventId Unchanged = new(1201, nameof(Unchanged));
    public static readonly EventId PushFailed = new(1202, nameof(PushFailed));
    public static readonly EventId HiveLoaded = new(1203, nameof(HiveLoaded));
    public static readonly EventId SweepFinished = new(1300, nameof(SweepFinished));
    public static readonly EventId Prefetched = new(1500, nameof(Prefetched));
    public static readonly EventId PrefetchDeferred = new(1501, nameof(PrefetchDeferred));
    public static readonly EventId PrefetchFailed = new(1502, nameof(PrefetchFailed));
    public static readonly EventId StaleLogon = new(1503, nameof(StaleLogon));
    public static readonly EventId SubscribeFailed = new(1504, nameof(SubscribeFailed));
    public static readonly EventId ProfileRegistered = new(1505, nameof(ProfileRegistered));
    public static readonly EventId SessionsUnavailable = new(1400, nameof(SessionsUnavailable));
    public static readonly EventId UsersUnavailable = new(1401, nameof(UsersUnavailable));
}
