using Microsoft.Extensions.Logging;
using Orleans.Profiles.Admin;

namespace Orleans.Profiles;

/// <summary>
/// The administrative half of a profile: keeping the directory current, the per-profile quota, the audit record
/// of administrative calls, and delete (tombstone, then every item, then the state).
/// </summary>
public sealed partial class ProfileGrain : IIncomingGrainCallFilter
{
    private static readonly HashSet<string> AuditedMethods = [nameof(Restore), nameof(CollectGarbage), nameof(Delete), nameof(SetQuota)];

    /// <summary>The quota this profile's uploads are held to: its own if an administrator set one, else the store's.</summary>
    private long Quota => State.State.QuotaBytes ?? _options.MaxProfileBytes;

    /// <summary>
    /// Refuses every call but <see cref="Delete"/> to a profile being deleted, and records administrative calls
    /// (who, what, when, how it ended) in the log and the audit record.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var method = context.ImplementationMethod.Name;
        if (State.State.Deleting && method != nameof(Delete))
        {
            throw new ProfileDeletingException(Key.Value);
        }

        if (!AuditedMethods.Contains(method))
        {
            await context.Invoke();
            return;
        }

        var detail = string.Join(' ', Enumerable.Range(0, context.Request.GetArgumentCount()).Select(i => $"{context.Request.GetArgument(i)}"));
        var outcome = "ok";
        try
        {
            await context.Invoke();
        }
        catch (Exception ex)
        {
            outcome = ex.GetType().Name;
            throw;
        }
        finally
        {
            var subject = RequestContext.Get(ProfileTokens.CallerContextKey) as string ?? Security.ProfileAuthorizationFilter.AnonymousCaller;
            var entry = new AuditEntry(Time.GetUtcNow(), subject, method, Key.Value, detail, outcome);
            LogAudit(Logger, entry.Subject, entry.Action, entry.Profile, entry.Detail, entry.Outcome);
            try
            {
                await GrainFactory.GetGrain<IAuditLogGrain>(0).Record(entry);
            }
            catch (Exception ex)
            {
                // The log event above is the record of last resort: the action itself is not undone.
                LogAuditNotRecorded(Logger, ex, entry.Action, entry.Profile);
            }
        }
    }

    public async Task<ProfileDeletion> Delete(string confirm, bool force)
    {
        if (!State.RecordExists)
        {
            throw new ProfileNotFoundException(Key.Value);
        }

        if (!ProfileKey.TryParse(confirm, out var confirmed) || confirmed != Key)
        {
            throw new InvalidProfileKeyException(confirm ?? "", $"the confirmation does not name the profile being deleted, {Key}");
        }

        var resumed = State.State.Deleting;
        if (!resumed)
        {
            await ExpireSessionsAsync();
            if (State.State.Sessions.Count > 0 && !force)
            {
                throw new UploadsOpenException(Key.Value);
            }

            // The tombstone: from this write on, nothing of the profile is read or written but by a delete.
            State.State.Deleting = true;
            await WriteStateAsync();
        }

        LogDeleting(Logger, Key, resumed);
        var items = await Eraser.ListAsync(Key);
        var pause = _options.DeleteOperationsPerSecond > 0 ? TimeSpan.FromSeconds(1.0 / _options.DeleteOperationsPerSecond) : TimeSpan.Zero;
        foreach (var item in items)
        {
            await Eraser.DeleteAsync(item);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, Time);
            }
        }

        await Eraser.FinishAsync(Key);
        await GrainFactory.Partition(Key.Value).Remove(Key.Value);

        // Last: once the state is gone the profile is as if it never was.
        await State.ClearStateAsync();
        _staging?.Clear();
        CountSessions();
        Publish();
        LogDeleted(Logger, Key, items.Count);
        DeactivateOnIdle();
        return new ProfileDeletion(Key.Value, items.Count, resumed);
    }

    public async Task<ProfileListing> SetQuota(long? bytes)
    {
        if (!State.RecordExists)
        {
            throw new ProfileNotFoundException(Key.Value);
        }

        if (bytes < 0)
        {
            throw new InvalidQuotaException(bytes.Value);
        }

        State.State.QuotaBytes = bytes;
        await WriteStateAsync();
        return Listing();
    }

    /// <summary>What the directory shows of this profile now.</summary>
    private ProfileListing Listing()
    {
        var s = State.State;
        var last = s.History.Count > 0 ? s.History[^1] : null;
        return new ProfileListing(Key.Value, s.Current, s.History.Count, s.History.Sum(h => h.Bytes), last?.CommittedAt, last?.Machine,
            [.. s.Sessions.Values.OrderBy(u => u.StartedAt).Select(u => new OpenUpload(u.Machine, u.StartedAt))],
            [.. s.History.Where(h => h.IsConflict).Select(h => h.CommittedAt)], [], s.Deleting, s.QuotaBytes);
    }

    /// <summary>Tells the directory what this profile is now. Never fails the caller: the next state write tells it again.</summary>
    private async Task AnnounceAsync()
    {
        try
        {
            await GrainFactory.Partition(Key.Value).Update(Listing());
        }
        catch (Exception ex)
        {
            LogDirectoryNotUpdated(Logger, ex, Key);
        }
    }

    private async Task RecordDamagedHiveAsync(string machine, string path)
    {
        try
        {
            await GrainFactory.Partition(Key.Value).RecordDamagedHive(Key.Value, new DamagedHiveRefusal(Time.GetUtcNow(), machine, path));
        }
        catch (Exception ex)
        {
            LogDirectoryNotUpdated(Logger, ex, Key);
        }
    }

    [LoggerMessage(EventId = 1300, EventName = "AdminAudit", Level = LogLevel.Information,
        Message = "Audit: {Subject} called {Action} on {Profile} ({Detail}): {Outcome}")]
    private static partial void LogAudit(ILogger logger, string subject, string action, string profile, string detail, string outcome);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Error, Message = "The audit record of {Action} on {Profile} could not be written")]
    private static partial void LogAuditNotRecorded(ILogger logger, Exception exception, string action, string profile);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Deleting {Profile} (resumed: {Resumed}): tombstone written")]
    private static partial void LogDeleting(ILogger logger, ProfileKey profile, bool resumed);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Deleted {Profile}: {Items} item(s) and its state")]
    private static partial void LogDeleted(ILogger logger, ProfileKey profile, int items);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "The directory entry of {Profile} could not be updated; its next state write tries again")]
    private static partial void LogDirectoryNotUpdated(ILogger logger, Exception exception, ProfileKey profile);
}
