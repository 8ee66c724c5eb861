using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>One step: run the planned operation under its fault, then check what the store and the folder show.</summary>
public sealed partial class Campaign
{
    private async Task RunStepAsync(StepPlan plan)
    {
        var started = _clock.Elapsed;
        var user = _users[plan.User];
        var ws = user.Workstations[plan.Workstation];
        var scenario = plan.Describe(user.Account);
        SummaryCount(plan);
        var restartsBefore = Restarts;

        string folder;
        ProfileContent before;
        AgentRunner agent;
        string[] args;
        switch (plan.Operation)
        {
            case CampaignOperation.Push:
                ws.Content = ApplyChange(ws.Content, plan.Change!);
                ws.Content.WriteTo(ws.Folder);
                user.Attempted(ws.Content);
                (folder, before, agent) = (ws.Folder, ws.Content, ws.Agent);
                args = ["push", "--user", user.Account, "--path", ws.Folder, "--machine", ws.Machine];
                break;
            case CampaignOperation.PullIntoWorkstation:
                (folder, before, agent) = (ws.Folder, ProfileContent.Read(ws.Folder), ws.Agent);
                if (before.Fingerprint != ws.Content.Fingerprint)
                {
                    throw new InvalidOperationException($"Harness: ws{ws.Index} of {user.Account} does not hold what the campaign wrote:\n{ws.Content.DescribeDifference(before)}");
                }

                args = ["pull", "--user", user.Account, "--path", ws.Folder];
                break;
            default:
                folder = _root.Combine("fresh", $"{++_freshFolders}");
                Directory.CreateDirectory(folder);
                (before, agent) = (ProfileContent.Empty, _checker);
                args = plan.Operation == CampaignOperation.PullSnapshot
                    ? ["pull", "--user", user.Account, "--path", folder, "--snapshot", $"{plan.Snapshot}"]
                    : ["pull", "--user", user.Account, "--path", folder];
                break;
        }

        var run = await RunWithFaultAsync(agent, args, plan, user);
        var ran = _clock.Elapsed - started;
        var outcome = plan.Operation == CampaignOperation.Push ? "push" : "pull";
        var exit = run.ExitCode == KilledExitCode ? "killed" : $"exit {run.ExitCode}";
        CampaignSummary.Increment(_summary.Outcomes, $"{outcome} {exit}");
        if (run.Landed)
        {
            CampaignSummary.Increment(_summary.LandedByKind, plan.Fault.Kind.ToString());
        }

        var step = new StepContext(plan, plan.Number, user, scenario, run);
        var result = "";
        // With a retention window, a commit by another user's step cannot drop this user's snapshot, but
        // a commit that was not acknowledged to this user may have: exit 2 is checked against history below.
        var retentionDropped = run.ExitCode == ExitCodes.BadInput && plan.Operation == CampaignOperation.PullSnapshot && _options.RetainSnapshots is not null;
        if (run.ExitCode is not (ExitCodes.Success or ExitCodes.StoreUnavailable or KilledExitCode) && !retentionDropped)
        {
            Violation(step, "the agent must succeed, report the store unavailable (exit 4) or be the one killed", $"it exited {run.ExitCode}");
        }

        int? pulledCurrent = null;
        if (plan.Operation == CampaignOperation.Push)
        {
            result = run.ExitCode == ExitCodes.Success ? CheckPushAcknowledged(step, ws) : "not acknowledged";
        }
        else
        {
            var actual = ProfileContent.Read(folder);
            if (run.ExitCode == ExitCodes.Success)
            {
                var number = run.Json!.Value.GetProperty("snapshot").GetProperty("number").GetInt32();
                var hash = run.Json.Value.GetProperty("snapshot").GetProperty("manifestHash").GetString();
                if (plan.Operation == CampaignOperation.PullSnapshot && number != plan.Snapshot)
                {
                    Violation(step, "(b) pull --snapshot N returns snapshot N", $"it returned snapshot {number}");
                }

                result = CheckPulled(step, number, hash, actual);
                if (plan.Operation != CampaignOperation.PullSnapshot)
                {
                    pulledCurrent = number;
                }

                if (plan.Operation == CampaignOperation.PullIntoWorkstation)
                {
                    ws.Content = ws.Synced = actual;
                }
            }
            else
            {
                result = await CheckInterruptedPullAsync(step, folder, before, ws);
            }

            if (plan.Operation is CampaignOperation.PullIntoFreshFolder or CampaignOperation.PullSnapshot)
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        // (d) and (b) after every step: status and history of this user, and of every user after a silo restart.
        var restarted = Restarts != restartsBefore;
        await CheckStoreAsync(step, restarted ? _users : [user], pulledCurrent);
        if (retentionDropped)
        {
            var newest = user.SeenInHistory.Keys.Max();
            if (plan.Snapshot > newest - _options.RetainSnapshots!.Value)
            {
                Violation(step, "(b) a snapshot inside the retention window pulls back", $"pull --snapshot {plan.Snapshot} exited 2 though the newest snapshot is {newest} and {_options.RetainSnapshots} are retained: {run.Result}");
            }

            result = $"snapshot {plan.Snapshot} left the retention window (newest {newest})";
        }

        var line = $"step {plan.Number}/{_options.Injections} [{ran.TotalSeconds:0.0} + {(_clock.Elapsed - started - ran).TotalSeconds:0.0} s]: {scenario} -> {exit}"
                   + $"{(run.Landed ? ", fault landed" : ", fault missed (the agent finished first)")}{(run.FaultNote is null ? "" : $", {run.FaultNote}")}; {result}";
        _recent.Add(line);
        if (_recent.Count > 12)
        {
            _recent.RemoveAt(0);
        }

        Say(line);
    }

    /// <summary>
    /// (c): whatever stopped a pull, no file under a real name is partial or foreign: each holds its previous
    /// bytes or its bytes in a pushed version, and the folder is exactly as before, or holds the whole
    /// pulled version. An interruption while the verified files are being renamed into place may leave a
    /// mix of old and new files (each complete); the pull's journal must then make the workstation's next
    /// run finish it: that pull completes without a conflict, the user having changed nothing.
    /// </summary>
    private async Task<string> CheckInterruptedPullAsync(StepContext step, string folder, ProfileContent before, WorkstationModel ws)
    {
        var actual = ProfileContent.Read(folder);
        var temporaries = ProfileContent.Temporaries(folder);
        if (actual.Fingerprint == before.Fingerprint)
        {
            return $"pull interrupted, folder exactly as before ({temporaries.Count} temporary file(s) left)";
        }

        var foreign = actual.Files.Where(f => !(before.Files.TryGetValue(f.Key, out var old) && old.AsSpan().SequenceEqual(f.Value)) && !step.User.WasAttempted(f.Key, f.Value)).ToList();
        var removed = before.Files.Keys.Where(p => !actual.Files.ContainsKey(p)).ToList();
        var difference = $"the folder changed:\n{before.DescribeDifference(actual)}\nleftover temporary files: {string.Join(", ", temporaries)}";
        if (foreign.Count > 0)
        {
            Violation(step, "(c) an interrupted pull leaves no partial file under a real name", $"{string.Join(", ", foreign.Select(f => f.Key))} hold bytes no pushed version had; {difference}");
        }

        // Killed after the last rename (before saving its record or exiting): the folder holds a whole version.
        var whole = step.User.WasAttempted(actual) || step.User.Known.Values.Any(k => k.Content.Fingerprint == actual.Fingerprint);
        string what;
        if (whole)
        {
            what = $"pull interrupted after its last rename: the folder holds the whole of version {actual.Id}";
            if (step.Plan?.Operation != CampaignOperation.PullIntoWorkstation)
            {
                return what;
            }
        }
        else
        {
            var replaced = actual.Files.Keys.Where(p => !(before.Files.TryGetValue(p, out var old) && old.AsSpan().SequenceEqual(actual.Files[p]))).ToList();
            what = $"pull interrupted while renaming: the folder was a mix of old and new files (each complete): {string.Join(", ", replaced)} replaced"
                   + (removed.Count > 0 ? $", {string.Join(", ", removed)} deleted" : "") + $", {temporaries.Count} file(s) still temporary";
            _summary.MixedPulls++;
        }

        // The workstation's next logon: a plain pull into the same folder must finish the interrupted one.
        _summary.AgentRuns++;
        var retry = await ws.Agent.RunAsync("pull", "--user", step.User.Account, "--path", folder);
        if (retry.ExitCode != ExitCodes.Success)
        {
            Violation(step, "(c) the next pull finishes an interrupted one, without a conflict", $"{difference}\nthe next pull: {retry}");
        }

        var repaired = ProfileContent.Read(folder);
        var snapshot = retry.Json.GetProperty("snapshot");
        var check = CheckPulled(step, snapshot.GetProperty("number").GetInt32(), snapshot.GetProperty("manifestHash").GetString(), repaired);
        if (step.Plan?.Operation == CampaignOperation.PullIntoWorkstation)
        {
            ws.Content = ws.Synced = repaired;
        }

        if (!whole)
        {
            _summary.Notes.Add($"step {step.Number}: {what}; the next pull finished it: {check}");
        }

        return $"{what}; the next pull: {check}";
    }

    private string CheckPushAcknowledged(StepContext step, WorkstationModel ws)
    {
        var json = step.Run!.Json!.Value;
        var snapshot = json.GetProperty("snapshot");
        var number = snapshot.GetProperty("number").GetInt32();
        var unchanged = json.GetProperty("unchanged").GetBoolean();
        var already = json.GetProperty("alreadyCommitted").GetBoolean();
        if (!unchanged && !already && number <= step.User.NewestSeen)
        {
            Violation(step, "a new commit gets a new snapshot number", $"snapshot {number} was acknowledged as new, but snapshot {step.User.NewestSeen} had already been seen");
        }

        if (snapshot.GetProperty("isConflict").GetBoolean() && !unchanged && !already)
        {
            _summary.Conflicts++;
        }

        if (already)
        {
            _summary.AlreadyCommitted++;
        }

        Acknowledge(step.User, number, ws.Content, snapshot.GetProperty("manifestHash").GetString(), step.Number, step);
        ws.Synced = ws.Content;
        return $"snapshot {number} acknowledged{(unchanged ? " (unchanged)" : "")}{(already ? " (already committed)" : "")}{(snapshot.GetProperty("isConflict").GetBoolean() ? $" (conflict: replaced {snapshot.GetProperty("replaced").GetInt32()})" : "")}";
    }

    private void Acknowledge(UserModel user, int number, ProfileContent content, string? manifestHash, int step, StepContext? context = null)
    {
        if (user.Known.TryGetValue(number, out var known) && known.Content.Fingerprint != content.Fingerprint)
        {
            Violation(context, "(a) one snapshot number holds one content",
                $"snapshot {number} was acknowledged for content {content} but is known (step {known.Step}) as {known.Content}:\n{known.Content.DescribeDifference(content)}");
        }

        if (known is { Acknowledged: false })
        {
            _summary.CommittedUnacknowledged--;
        }

        if (known is not { Acknowledged: true })
        {
            _summary.Acknowledged++;
        }

        user.Known[number] = new KnownSnapshot(number, content, manifestHash, Acknowledged: true, known?.Step ?? step);
        user.NewestSeen = Math.Max(user.NewestSeen, number);
    }

    /// <summary>(a): a successful pull wrote exactly the bytes of a committed snapshot.</summary>
    private string CheckPulled(StepContext step, int number, string? manifestHash, ProfileContent actual)
    {
        var user = step.User;
        if (user.Known.TryGetValue(number, out var known))
        {
            if (known.Content.Fingerprint != actual.Fingerprint)
            {
                Violation(step, "(a)/(b) a pull returns exactly the bytes of the snapshot it names",
                    $"snapshot {number} ({(known.Acknowledged ? "acknowledged" : "committed")} at step {known.Step}) should be {known.Content}; the pull wrote {actual}:\n{known.Content.DescribeDifference(actual)}");
            }

            if (known.ManifestHash is { } expected && manifestHash != expected)
            {
                Violation(step, "(b) a snapshot keeps its manifest", $"snapshot {number} had manifest hash {expected}, the pull says {manifestHash}");
            }

            return $"pulled snapshot {number} ({actual.Id}), byte for byte";
        }

        if (!user.WasAttempted(actual))
        {
            Violation(step, "(a) a pull returns the bytes of a committed snapshot",
                $"snapshot {number} holds {actual}, which no agent of {user.Account} ever pushed (newest known snapshot: {(user.Latest is { } latest ? latest.DescribeDifference(actual) : "none")})");
        }

        // Committed without its agent seeing the acknowledgement (a cut or a kill after the commit).
        user.Known[number] = new KnownSnapshot(number, actual, manifestHash, Acknowledged: false, step.Number);
        user.NewestSeen = Math.Max(user.NewestSeen, number);
        _summary.CommittedUnacknowledged++;
        return $"pulled snapshot {number} ({actual.Id}): committed but never acknowledged, content of a pushed version";
    }

    private static ProfileContent ApplyChange(ProfileContent content, ChangePlan change)
    {
        var random = new Random(change.Seed);
        var changed = content.With(Hive, TestData.ChangePages(content.Files[Hive], change.HivePages, random.Next()));
        if (change.SecondHive)
        {
            var hive = changed.Files[SecondHive];
            changed = changed.With(SecondHive, TestData.ChangePages(hive, [random.Next(hive.Length / TestData.PageSize)], random.Next()));
        }

        if (change.RewrittenFile is { } rewritten)
        {
            changed = changed.With(rewritten, TestData.RandomBytes(random.Next(100, 70_000), random.Next()));
        }

        if (change.AddedFile is { } added)
        {
            changed = changed.With(added, TestData.RandomBytes(random.Next(10, 4_000), random.Next()));
        }

        if (change.DeletedFile is { } deleted)
        {
            changed = changed.Without(deleted);
        }

        return changed;
    }
}
