using Microsoft.Extensions.Logging;

namespace Orleans.Profiles.Sync;

/// <summary>
/// Finishes pulls from their journal (<see cref="PendingPull"/>): the verified temporaries are moved
/// into place, the files the snapshot no longer has deleted, the sync record saved, then the journal
/// dropped. A pull cut between two renames is finished by the next run, so a folder never keeps
/// files of two snapshots.
/// </summary>
internal sealed partial class PullJournal(SyncStateStore state, ILogger logger)
{
    /// <summary>Test seam: called after each file of a pull is moved into place (a test throws from it to stand for a kill).</summary>
    public Action<string>? AfterMove { get; set; }

    /// <summary>Finishes a pull this workstation started for this user and path but did not finish (killed, powered off).</summary>
    public async Task FinishInterruptedAsync(ProfileKey profile, string path, CancellationToken cancellationToken)
    {
        if (await state.LoadPendingAsync(profile, path, cancellationToken) is { } pending)
        {
            await FinishAsync(profile, path, pending, recovering: true, cancellationToken);
        }
    }

    /// <summary>
    /// Writes the journal durably, then finishes the pull. If the journal cannot be written the
    /// temporaries are deleted and every local file stays as it was.
    /// </summary>
    public async Task RunAsync(ProfileKey profile, string path, PendingPull pending, CancellationToken cancellationToken)
    {
        try
        {
            await state.SavePendingAsync(pending, cancellationToken);
        }
        catch
        {
            DeleteTemporaries(pending.Files.Select(f => f.Temporary));
            throw;
        }

        // From here on the journal finishes the pull if this run does not: a cut between two renames never leaves two snapshots mixed.
        await FinishAsync(profile, path, pending, recovering: false, cancellationToken);
    }

    public static void DeleteTemporaries(IEnumerable<string?> temporaries)
    {
        foreach (var temporary in temporaries.OfType<string>())
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Moves a pull's verified files into place, deletes the files its snapshot no longer has, saves
    /// the sync record, then drops the journal. Run again after an interruption it does what is left:
    /// a temporary already moved is gone, and a file changed since the pull began is kept as the user
    /// left it (it then shows as a local change) instead of being overwritten.
    /// </summary>
    private async Task FinishAsync(ProfileKey profile, string path, PendingPull pending, bool recovering, CancellationToken cancellationToken)
    {
        var kept = 0;
        foreach (var file in pending.Files)
        {
            if (file.Temporary is null)
            {
                if (File.Exists(file.Target) && (!recovering || await HashOfAsync(file.Path, file.Target, cancellationToken) == file.Before))
                {
                    File.Delete(file.Target);
                }

                continue;
            }

            if (!File.Exists(file.Temporary))
            {
                continue;
            }

            if (recovering && (await HashOfAsync(file.Path, file.Temporary, cancellationToken) != file.Sha256
                || (File.Exists(file.Target) ? await HashOfAsync(file.Path, file.Target, cancellationToken) : null) != file.Before))
            {
                File.Delete(file.Temporary);
                kept++;
                continue;
            }

            AtomicFile.MoveDurably(file.Temporary, file.Target);
            AfterMove?.Invoke(file.Target);
        }

        await state.SaveAsync(pending.Record, cancellationToken);
        state.DeletePending(profile, path);
        if (recovering)
        {
            LogFinishedInterruptedPull(logger, profile, pending.Record.Snapshot, kept);
        }
    }

    private static async Task<string> HashOfAsync(string profilePath, string fullPath, CancellationToken cancellationToken)
        => (await new LocalFile(profilePath, fullPath).HashAsync(cancellationToken)).Sha256.ToString();

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Finished the pull of {Profile} snapshot {Snapshot} that an earlier run left half done; {Kept} file(s) changed since were kept as they were")]
    private static partial void LogFinishedInterruptedPull(ILogger logger, ProfileKey profile, int snapshot, int kept);
}
