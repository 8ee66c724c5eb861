using Microsoft.Extensions.Logging;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles;

/// <summary>The profile grain's log events, one declaration each.</summary>
public sealed partial class ProfileGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} begun with {Files} file(s), {Chunks} distinct chunk(s), {Missing} missing")]
    private static partial void LogBegun(ILogger logger, ProfileKey profile, Guid sessionId, int files, int chunks, int missing);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} resumed, {Missing} chunk(s) missing")]
    private static partial void LogResumed(ILogger logger, ProfileKey profile, Guid sessionId, int missing);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Profile {Profile}: session {SessionId} staged {Staged} chunk(s), {Skipped} already present")]
    private static partial void LogStaged(ILogger logger, ProfileKey profile, Guid sessionId, int staged, int skipped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: snapshot {Snapshot} committed from session {SessionId} ({NewChunks} new chunk(s), {Bytes} bytes); current is {Current}")]
    private static partial void LogCommitted(ILogger logger, ProfileKey profile, int snapshot, Guid sessionId, int newChunks, long bytes, int current);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: garbage collection dropped {Snapshots} snapshot(s), deleted {Manifests} manifest(s) and {Packs} pack(s)")]
    private static partial void LogCollected(ILogger logger, ProfileKey profile, int snapshots, int manifests, int packs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Profile {Profile}: session {SessionId} refused at commit: registry hive {Path} is damaged at offset {Offset}: {Problem}")]
    private static partial void LogDamagedHive(ILogger logger, ProfileKey profile, Guid sessionId, string path, long offset, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Profile {Profile}: session {SessionId} refused at commit: {Path} does not match its hash")]
    private static partial void LogRefused(ILogger logger, ProfileKey profile, Guid sessionId, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} aborted")]
    private static partial void LogAborted(ILogger logger, ProfileKey profile, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} superseded by {NewSessionId} from the same machine")]
    private static partial void LogSuperseded(ILogger logger, ProfileKey profile, Guid sessionId, Guid newSessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} expired")]
    private static partial void LogExpired(ILogger logger, ProfileKey profile, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: snapshot {Source} restored as snapshot {Snapshot}")]
    private static partial void LogRestored(ILogger logger, ProfileKey profile, int source, int snapshot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Profile}: upload session {SessionId} begun from a delta against snapshot {Base} ({DeltaBytes} bytes, {Staged} chunk(s) rebuilt and staged, {Missing} missing)")]
    private static partial void LogBegunFromDelta(ILogger logger, ProfileKey profile, Guid sessionId, int @base, int deltaBytes, int staged, int missing);
}
