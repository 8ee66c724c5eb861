using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// Makes each roaming user's folder current before they log on: on each look (<see cref="PrefetchQueue"/>) it
/// asks the store for the current snapshot and, if this machine is behind and the user is not logged on here,
/// pulls it with the pull's guarantees (verified chunks and files, atomic replace, the journal). Changes made
/// here and not pushed are pushed first, in the same hold, so the conflict policy decides and both stay in
/// history; the pull itself also refuses to overwrite them. At a logon it only warns when the store was ahead.
/// </summary>
public sealed class ProfilePrefetchService(
    PrefetchQueue queue,
    RoamingUsers users,
    ILoggedOnUsers sessions,
    IHiveAccess hives,
    IProfileStoreClient store,
    ProfilePusher pusher,
    IProfileList profileList,
    ServiceActivity activity,
    AgentMetrics metrics,
    IOptions<AgentServiceOptions> options,
    TimeProvider time,
    ILogger<ProfilePrefetchService> logger) : BackgroundService
{
    /// <summary>Raised after each look, with what it did (tests wait on it).</summary>
    public event Action<PrefetchRequest, PrefetchOutcome>? Looked;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in queue.ReadAllAsync(stoppingToken))
            {
                if (users.Resolve().FirstOrDefault(u => u.Account == request.Account) is { } user)
                {
                    var outcome = await LookAsync(user, request.Reason, stoppingToken);
                    Looked?.Invoke(request, outcome);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<PrefetchOutcome> LookAsync(RoamingUser user, PrefetchReason reason, CancellationToken cancellationToken)
    {
        SnapshotInfo? current;
        try
        {
            current = (await store.GetStatusAsync(user, cancellationToken)).Current;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (reason == PrefetchReason.Logon)
            {
                return await WarnIfStaleAsync(user, await store.SyncedSnapshotAsync(user, cancellationToken), current: null, $"the store cannot be asked now ({ex.Message}); this is the last snapshot it was known to hold");
            }

            ServiceLog.PrefetchFailed(logger, user.Account, user.Folder, reason, ex.Message);
            return PrefetchOutcome.Failed;
        }

        if (current is null)
        {
            return PrefetchOutcome.Current;
        }

        await activity.StoreSnapshotAsync(user, current.Number);
        var synced = await store.SyncedSnapshotAsync(user, cancellationToken);
        if (synced == current.Number)
        {
            return PrefetchOutcome.Current;
        }

        if (reason == PrefetchReason.Logon)
        {
            return await WarnIfStaleAsync(user, synced, current, "it could not be fetched before the logon (the machine was off, or the store unreachable)");
        }

        if (!options.Value.Prefetch)
        {
            return PrefetchOutcome.Deferred;
        }

        if (sessions.CurrentOrNone(logger).Contains(user.Account))
        {
            ServiceLog.PrefetchDeferred(logger, user.Account, current.Number, "the user is logged on here; the logoff's push is a conflict the policy resolves");
            return PrefetchOutcome.Deferred;
        }

        return await pusher.ExclusiveAsync(abort => PrefetchHeldAsync(user, reason, current, firstHere: synced is null && !Directory.Exists(user.Folder), abort), cancellationToken);
    }

    private async Task<PrefetchOutcome> PrefetchHeldAsync(RoamingUser user, PrefetchReason reason, SnapshotInfo current, bool firstHere, CancellationToken abort)
    {
        try
        {
            // Checked again in the hold: the user may have logged on since.
            if (!hives.IsUnloaded(user))
            {
                ServiceLog.PrefetchDeferred(logger, user.Account, current.Number, "the hive is loaded (the user is logged on)");
                return PrefetchOutcome.Deferred;
            }

            if (await store.HasChangesAsync(user, abort))
            {
                // Never pulled over: pushed first, a conflict with the other machine's snapshot that the policy resolves.
                if (await pusher.PushHeldAsync(user, PushReason.BeforePrefetch) is PushOutcome.Failed or PushOutcome.HiveLoaded)
                {
                    return PrefetchOutcome.Deferred;
                }

                current = (await store.GetStatusAsync(user, abort)).Current ?? current;
                if (await store.SyncedSnapshotAsync(user, abort) == current.Number)
                {
                    return PrefetchOutcome.Current;
                }
            }

            var pulled = await store.PullAsync(user, abort);
            var now = time.GetUtcNow();
            var lag = now - pulled.Snapshot.CommittedAt;
            await activity.PulledAsync(user, pulled.Snapshot.Number, now, lag);
            metrics.Prefetches.Add(1);
            metrics.CommitToCurrent.Record(lag.TotalSeconds);
            ServiceLog.Prefetched(logger, user.Account, pulled.Snapshot.Number, pulled.Snapshot.Machine, user.Folder, reason, lag, pulled.Files, pulled.BytesFetched);
            if (firstHere)
            {
                Register(user);
            }

            return PrefetchOutcome.Fetched;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !abort.IsCancellationRequested)
        {
            var error = ex is OperationCanceledException ? "the service stopped before it finished" : ex.Message;
            ServiceLog.PrefetchFailed(logger, user.Account, user.Folder, reason, error);
            await activity.PendingAsync(user, $"pre-fetch of snapshot {current.Number} failed: {error}");
            return PrefetchOutcome.Failed;
        }
    }

    /// <summary>A first profile on this machine: registered in the ProfileList so that Windows loads it at the first logon.</summary>
    private void Register(RoamingUser user)
    {
        if ((user.Sid ?? profileList.SidOf(user.Account)) is not { } sid)
        {
            ServiceLog.PrefetchDeferred(logger, user.Account, 0, $"{user.Folder} is pre-staged, but the account's SID is unknown (give it as Sid in the configuration), so Windows will not adopt the folder");
            return;
        }

        if (!profileList.Read().Any(e => e.Sid.Equals(sid, StringComparison.OrdinalIgnoreCase)))
        {
            profileList.Register(sid, user.Folder);
            ServiceLog.ProfileRegistered(logger, user.Account, user.Folder, sid);
        }
    }

    private async Task<PrefetchOutcome> WarnIfStaleAsync(RoamingUser user, int? synced, SnapshotInfo? current, string why)
    {
        var storeNumber = current?.Number ?? activity.Read().GetValueOrDefault(user.Account.Value)?.StoreSnapshot;
        if (storeNumber is not { } newer || newer <= (synced ?? 0))
        {
            return PrefetchOutcome.Current;
        }

        var local = synced is { } n ? n.ToString(CultureInfo.InvariantCulture) : "none";
        var committed = current is null ? why : string.Create(CultureInfo.InvariantCulture, $"committed by {current.Machine} at {current.CommittedAt:u}; {why}");
        ServiceLog.StaleLogon(logger, user.Account, local, newer, committed);
        metrics.StaleLogons.Add(1);
        await activity.StaleLogonAsync(user, $"logged on with snapshot {local} while the store held {newer}: the next logoff's push is a conflict, both kept in history");
        return PrefetchOutcome.Stale;
    }
}
