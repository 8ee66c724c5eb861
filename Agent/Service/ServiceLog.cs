using Microsoft.Extensions.Logging;

namespace Orleans.Profiles.Agent.Service;

/// <summary>The service's log messages, one per event of <see cref="ServiceEvents"/>.</summary>
internal static partial class ServiceLog
{
    [LoggerMessage(EventId = 1000, EventName = nameof(ServiceEvents.Started), Level = LogLevel.Information,
        Message = "Started on {Machine}: {Users} roaming user(s), a sweep every {SweepInterval}, store {Gateways}, pre-shutdown accepted: {Preshutdown}")]
    public static partial void Started(ILogger logger, string machine, int users, TimeSpan sweepInterval, string gateways, bool preshutdown);

    [LoggerMessage(EventId = 1001, EventName = nameof(ServiceEvents.Stopping), Level = LogLevel.Information,
        Message = "Stopping: a push in flight gets up to {Timeout} to finish; an unfinished one resumes at the next start")]
    public static partial void Stopping(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 1002, EventName = nameof(ServiceEvents.Preshutdown), Level = LogLevel.Information,
        Message = "Windows is shutting down: finishing the push in flight, starting no other")]
    public static partial void Preshutdown(ILogger logger);

    [LoggerMessage(EventId = 1100, EventName = nameof(ServiceEvents.LogoffReceived), Level = LogLevel.Information,
        Message = "{Account} logged off (session {Session}): waiting up to {Timeout} for the hive to unload")]
    public static partial void LogoffReceived(ILogger logger, ProfileKey account, int session, TimeSpan timeout);

    [LoggerMessage(EventId = 1101, EventName = nameof(ServiceEvents.HiveUnloaded), Level = LogLevel.Information,
        Message = "{Account}: the hive is unloaded after {Waited}: pushing {Folder}")]
    public static partial void HiveUnloaded(ILogger logger, ProfileKey account, TimeSpan waited, string folder);

    [LoggerMessage(EventId = 1102, EventName = nameof(ServiceEvents.HiveStillLoaded), Level = LogLevel.Warning,
        Message = "{Account}: the hive is still loaded {Timeout} after logoff (a process holds it); not pushed now, the sweep pushes it once it is unloaded")]
    public static partial void HiveStillLoaded(ILogger logger, ProfileKey account, TimeSpan timeout);

    [LoggerMessage(EventId = 1103, EventName = nameof(ServiceEvents.LogoffNotRoaming), Level = LogLevel.Debug,
        Message = "Session {Session} logged off ({Account}): not a roaming user of this machine")]
    public static partial void LogoffNotRoaming(ILogger logger, int session, string account);

    [LoggerMessage(EventId = 1200, EventName = nameof(ServiceEvents.Pushed), Level = LogLevel.Information,
        Message = "{Account}: pushed {Folder} at {Reason} as snapshot {Snapshot} ({Files} file(s), {Bytes} bytes; sent {ChunksSent} of {Chunks} chunks, {BytesSent} bytes)")]
    public static partial void Pushed(ILogger logger, ProfileKey account, string folder, PushReason reason, int snapshot, int files, long bytes, int chunksSent, int chunks, long bytesSent);

    [LoggerMessage(EventId = 1201, EventName = nameof(ServiceEvents.Unchanged), Level = LogLevel.Information,
        Message = "{Account}: {Folder} unchanged at {Reason}, snapshot {Snapshot} is current")]
    public static partial void Unchanged(ILogger logger, ProfileKey account, string folder, PushReason reason, int snapshot);

    [LoggerMessage(EventId = 1202, EventName = nameof(ServiceEvents.PushFailed), Level = LogLevel.Error,
        Message = "{Account}: the push of {Folder} at {Reason} failed: {Error}; the sweep tries again")]
    public static partial void PushFailed(ILogger logger, ProfileKey account, string folder, PushReason reason, string error);

    [LoggerMessage(EventId = 1203, EventName = nameof(ServiceEvents.HiveLoaded), Level = LogLevel.Information,
        Message = "{Account}: not pushed at {Reason}: the hive is loaded (the user is logged on)")]
    public static partial void HiveLoaded(ILogger logger, ProfileKey account, PushReason reason);

    [LoggerMessage(EventId = 1300, EventName = nameof(ServiceEvents.SweepFinished), Level = LogLevel.Information,
        Message = "Sweep: {Pushed} pushed, {Unchanged} unchanged, {LoggedOn} logged on, {Failed} failed")]
    public static partial void SweepFinished(ILogger logger, int pushed, int unchanged, int loggedOn, int failed);

    [LoggerMessage(EventId = 1400, EventName = nameof(ServiceEvents.SessionsUnavailable), Level = LogLevel.Warning,
        Message = "The sessions of this machine could not be listed ({Error}); only an unloaded hive is pushed")]
    public static partial void SessionsUnavailable(ILogger logger, string error);

    [LoggerMessage(EventId = 1401, EventName = nameof(ServiceEvents.UsersUnavailable), Level = LogLevel.Warning,
        Message = "The profiles of this machine could not be read from the registry ({Error}); only the configured users roam")]
    public static partial void UsersUnavailable(ILogger logger, string error);
    [LoggerMessage(EventId = 1500, EventName = nameof(ServiceEvents.Prefetched), Level = LogLevel.Information,
        Message = "{Account}: snapshot {Snapshot} of {Machine} pre-fetched into {Folder} at {Reason}, {CommitToCurrent} after its commit ({Files} file(s), {BytesFetched} bytes fetched)")]
    public static partial void Prefetched(ILogger logger, ProfileKey account, int snapshot, string machine, string folder, PrefetchReason reason, TimeSpan commitToCurrent, int files, long bytesFetched);

    [LoggerMessage(EventId = 1501, EventName = nameof(ServiceEvents.PrefetchDeferred), Level = LogLevel.Information,
        Message = "{Account}: snapshot {Snapshot} not pre-fetched yet: {Why}")]
    public static partial void PrefetchDeferred(ILogger logger, ProfileKey account, int snapshot, string why);

    [LoggerMessage(EventId = 1502, EventName = nameof(ServiceEvents.PrefetchFailed), Level = LogLevel.Warning,
        Message = "{Account}: the pre-fetch into {Folder} at {Reason} failed: {Error}; the next check tries again")]
    public static partial void PrefetchFailed(ILogger logger, ProfileKey account, string folder, PrefetchReason reason, string error);

    [LoggerMessage(EventId = 1503, EventName = nameof(ServiceEvents.StaleLogon), Level = LogLevel.Warning,
        Message = "{Account} logged on with snapshot {Local} while the store holds snapshot {Store} ({Why}). The next logoff's push is a conflict: the conflict policy picks the current one and both stay in history")]
    public static partial void StaleLogon(ILogger logger, ProfileKey account, string local, int store, string why);

    [LoggerMessage(EventId = 1504, EventName = nameof(ServiceEvents.SubscribeFailed), Level = LogLevel.Warning,
        Message = "{Account}: could not subscribe to commit notifications ({Error}); the periodic check every {CheckInterval} still catches new snapshots")]
    public static partial void SubscribeFailed(ILogger logger, ProfileKey account, string error, TimeSpan checkInterval);

    [LoggerMessage(EventId = 1505, EventName = nameof(ServiceEvents.ProfileRegistered), Level = LogLevel.Information,
        Message = "{Account}: first profile on this machine pre-staged in {Folder} and registered for {Sid}: Windows loads it at the first logon")]
    public static partial void ProfileRegistered(ILogger logger, ProfileKey account, string folder, string sid);
}
