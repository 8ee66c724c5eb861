using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Cli;

/// <summary>The agent's commands: push at logoff, pull at logon, and status, history and restore for a user.</summary>
public static class AgentCommands
{
    public static RootCommand Build()
    {
        var root = new RootCommand("profiles-agent: pushes a roaming profile to the Orleans.Profiles store at logoff and pulls the last committed snapshot at logon.");
        foreach (var option in new Option[] { AgentOptions.Gateway, AgentOptions.StateDir, AgentOptions.Json, AgentOptions.ClusterId, AgentOptions.Timeout, AgentOptions.Retries, AgentOptions.TokenFile, AgentOptions.Verbose }.Concat(AgentTlsOptions.All))
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(Push());
        root.Subcommands.Add(Pull());
        root.Subcommands.Add(Status());
        root.Subcommands.Add(History());
        root.Subcommands.Add(Restore());
        root.Subcommands.Add(CollectGarbage());
        root.Subcommands.Add(AdminCommands.Build());
        root.Subcommands.Add(TokenCommands.Build());
        root.Subcommands.Add(ServiceCommands.Build());
        return root;
    }

    private static Command Push()
    {
        var command = new Command("push", "Upload a profile file or folder; only the chunks the store lacks are sent, and it becomes current only once complete and verified")
        {
            AgentOptions.User, AgentOptions.Path, AgentOptions.Machine, AgentOptions.BandwidthLimit, AgentOptions.Exclude, AgentOptions.Include,
        };
        command.SetAction((parse, ct) => AgentRun.RunAsync(parse, async (run, profile) =>
        {
            var path = parse.GetRequiredValue(AgentOptions.Path);
            var result = await run.Output.WithProgressAsync(p => run.Client.PushAsync(profile, path, p, ct));
            var text = result.Unchanged
                ? $"{result.Profile}: unchanged, snapshot {result.Snapshot.Number} is current ({result.Files} file(s), {ConsoleOutput.Size(result.Bytes)})"
                : $"{result.Profile}: snapshot {result.Snapshot.Number} committed ({result.Files} file(s), {ConsoleOutput.Size(result.Bytes)}; "
                  + $"sent {result.ChunksSent} of {result.TotalChunks} chunks, {ConsoleOutput.Size(result.BytesSent)}, in {result.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s)";
            run.Output.Result(result, text);
            if (result.Snapshot.Warning is { } warning && !result.Unchanged)
            {
                run.Output.Warning(warning);
            }

            if (result.Unchanged || !result.Snapshot.IsConflict)
            {
                return ExitCodes.Success;
            }

            if (result.Snapshot.LostTo != 0)
            {
                run.Output.Conflict($"snapshot {result.Snapshot.LostTo} became current while this machine worked on snapshot {result.Snapshot.BaseSnapshot}; "
                    + $"by the store's conflict policy it stays current, and this push is kept in history as snapshot {result.Snapshot.Number} ('restore --snapshot {result.Snapshot.Number}' makes it current).");
                return ExitCodes.Conflict;
            }

            run.Output.Warning($"snapshot {result.Snapshot.Replaced} (not seen by this machine) was current; it is kept in history and can be restored with 'restore --snapshot {result.Snapshot.Replaced}'.");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Pull()
    {
        var command = new Command("pull", "Download the current (or a given) snapshot; only missing chunks are fetched, each file is verified and replaced atomically")
        {
            AgentOptions.User, AgentOptions.Path, AgentOptions.Snapshot, AgentOptions.Force, AgentOptions.BandwidthLimit, AgentOptions.Exclude, AgentOptions.Include,
        };
        command.SetAction((parse, ct) => AgentRun.RunAsync(parse, async (run, profile) =>
        {
            var path = parse.GetRequiredValue(AgentOptions.Path);
            var result = await run.Output.WithProgressAsync(p => run.Client.PullAsync(profile, path, parse.GetValue(AgentOptions.Snapshot), parse.GetValue(AgentOptions.Force), p, ct));
            run.Output.Result(result,
                $"{result.Profile}: snapshot {result.Snapshot.Number} is in {path} ({result.Files} file(s), {ConsoleOutput.Size(result.Bytes)}; "
                + $"{result.FilesWritten} written, {result.FilesDeleted} deleted, fetched {result.ChunksFetched} chunks, {ConsoleOutput.Size(result.BytesFetched)}, "
                + $"in {result.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s)");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Status()
    {
        var path = new Option<string>("--path") { Description = "Also show what this machine last synced at this path", HelpName = "FILE_OR_FOLDER" };
        var command = new Command("status", "Show a profile's current snapshot") { AgentOptions.User, path };
        command.SetAction((parse, ct) => AgentRun.RunAsync(parse, async (run, profile) =>
        {
            var status = await run.Client.GetStatusAsync(profile, ct);
            var local = parse.GetValue(path) is { } p ? await run.Client.GetSyncRecordAsync(profile, p, ct) : null;
            var text = new StringBuilder(status.Current is { } current
                ? $"{status.Profile}: snapshot {current.Number} is current ({Describe(current)}); {status.Snapshots} snapshot(s) kept, {status.OpenSessions} upload(s) open"
                : $"{status.Profile}: no snapshot yet; {status.OpenSessions} upload(s) open");
            if (parse.GetValue(path) is { } shown)
            {
                text.Append(CultureInfo.InvariantCulture, $"\nthis machine last synced {(local is null ? "nothing" : $"snapshot {local.Snapshot}")} at {shown}");
            }

            run.Output.Result(new { status, lastSynced = local?.Snapshot }, text.ToString());
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command History()
    {
        var command = new Command("history", "List a profile's snapshots, conflicts and restores included") { AgentOptions.User };
        command.SetAction((parse, ct) => AgentRun.RunAsync(parse, async (run, profile) =>
        {
            var history = await run.Client.GetHistoryAsync(profile, ct);
            var text = history.IsEmpty
                ? $"{profile}: no snapshot yet"
                : string.Join('\n', history.Reverse().Select(s => $"{s.Number,6}  {Describe(s)}"));
            run.Output.Result(history, text);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Restore()
    {
        var snapshot = new Option<int>("--snapshot") { Description = "The snapshot to bring back", Required = true, HelpName = "N" };
        var command = new Command("restore", "Make an earlier snapshot current again, as a new snapshot (history is kept)") { AgentOptions.User, snapshot, AgentOptions.Machine };
        command.SetAction((parse, ct) => AgentRun.RunAsync(parse, async (run, profile) =>
        {
            var result = await run.Client.RestoreAsync(profile, parse.GetValue(snapshot), ct);
            run.Output.Result(result, $"{profile}: snapshot {result.Snapshot.RestoredFrom} restored as snapshot {result.Snapshot.Number}");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command CollectGarbage()
    {
        var command = new Command("gc", "Drop snapshots outside the retention window and delete data nothing retained references (an administrator's command)") { AgentOptions.User };
        command.SetAction((parse, ct) => AgentRun.RunAsync(parse, async (run, profile) =>
        {
            var result = await run.Client.CollectGarbageAsync(profile, ct);
            run.Output.Result(result, $"{profile}: {result.SnapshotsDropped} snapshot(s) dropped, {result.ManifestsDeleted} manifest(s) and {result.PacksDeleted} pack(s) deleted");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static string Describe(SnapshotInfo s)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{s.CommittedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}  {s.Machine}  {s.Files} file(s), {ConsoleOutput.Size(s.Bytes)}"));
        if (s.RestoredFrom != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  restored from {s.RestoredFrom}");
        }

        if (s.Replaced != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  CONFLICT: replaced {s.Replaced}, which its machine had not seen (base {s.BaseSnapshot})");
        }

        if (s.LostTo != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  CONFLICT: not made current, {s.LostTo} was (base {s.BaseSnapshot}); restore to use it");
        }

        if (s.Warning is { } warning)
        {
            text.Append(CultureInfo.InvariantCulture, $"  WARNING: {warning}");
        }

        return text.ToString();
    }
}
