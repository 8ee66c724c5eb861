using System.Text.Json;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>The oracle: store checks of every invariant against what the agents were acknowledged.</summary>
public sealed partial class Campaign
{
    private async Task CheckStoreAsync(StepContext step, IReadOnlyList<UserModel> users, int? pulledCurrent)
    {
        var status = _checker.RunAsync("status", "--user", step.User.Account);
        var histories = users.Select(u => _checker.RunAsync("history", "--user", u.Account)).ToList();
        _summary.AgentRuns += 1 + histories.Count;
        await Task.WhenAll(histories.Cast<Task>().Append(status));

        for (var i = 0; i < users.Count; i++)
        {
            CheckHistory(step, users[i], await histories[i]);
        }

        var statusResult = await status;
        if (statusResult.ExitCode != ExitCodes.Success)
        {
            Violation(step, "(d) status works after every step", $"status of {step.User.Account}: {statusResult}");
        }

        var current = statusResult.Json.GetProperty("status");
        var history = (await histories[users.ToList().IndexOf(step.User)]).Json.EnumerateArray().Select(s => s.GetProperty("number").GetInt32()).ToList();
        var currentNumber = current.GetProperty("current").ValueKind == JsonValueKind.Null ? 0 : current.GetProperty("current").GetProperty("number").GetInt32();
        if (!history.Contains(currentNumber) || current.GetProperty("snapshots").GetInt32() != history.Count)
        {
            Violation(step, "(d) status and history agree", $"status says current {currentNumber} of {current.GetProperty("snapshots").GetInt32()} snapshot(s); history lists {string.Join(", ", history)}");
        }

        if (pulledCurrent is { } pulled && pulled != currentNumber)
        {
            Violation(step, "a logon pulls the current snapshot", $"the pull returned snapshot {pulled}, but status says {currentNumber} is current and nothing was committed since");
        }
    }

    private void CheckHistory(StepContext? step, UserModel user, AgentResult result)
    {
        if (result.ExitCode != ExitCodes.Success)
        {
            Violation(step, "(d) history works after every step", $"history of {user.Account}: {result}");
        }

        var entries = result.Json.EnumerateArray()
            .Select(s => (Number: s.GetProperty("number").GetInt32(), Hash: s.GetProperty("manifestHash").GetString()!))
            .ToList();
        if (entries.Zip(entries.Skip(1)).Any(p => p.First.Number >= p.Second.Number))
        {
            Violation(step, "history lists each snapshot once, oldest first", $"{user.Account}: {string.Join(", ", entries.Select(e => e.Number))}");
        }

        var listed = entries.ToDictionary(e => e.Number, e => e.Hash);
        var newest = entries.Count == 0 ? 0 : entries[^1].Number;
        var retainedFrom = _options.RetainSnapshots is { } retain ? newest - retain + 1 : int.MinValue;
        foreach (var (number, hash) in user.SeenInHistory)
        {
            if (number >= retainedFrom && !listed.ContainsKey(number))
            {
                Violation(step, "(b) no snapshot inside the retention window leaves history", $"snapshot {number} of {user.Account} was in history and is gone: {string.Join(", ", entries.Select(e => e.Number))}");
            }

            if (listed.TryGetValue(number, out var now) && now != hash)
            {
                Violation(step, "(b) a snapshot never changes", $"snapshot {number} of {user.Account} had manifest hash {hash}, now {now}");
            }
        }

        foreach (var known in user.Acknowledged)
        {
            if (known.Number >= retainedFrom && !listed.ContainsKey(known.Number))
            {
                Violation(step, "(b) every acknowledged snapshot is current or in history", $"snapshot {known.Number} of {user.Account}, acknowledged at step {known.Step}, is not in history: {string.Join(", ", entries.Select(e => e.Number))}");
            }

            if (listed.TryGetValue(known.Number, out var hash) && known.ManifestHash is { } acknowledged && hash != acknowledged)
            {
                Violation(step, "(b) an acknowledged snapshot keeps its manifest", $"snapshot {known.Number} of {user.Account} was acknowledged with manifest hash {acknowledged}; history says {hash}");
            }
        }

        foreach (var (number, hash) in entries)
        {
            user.SeenInHistory[number] = hash;
        }

        user.NewestSeen = Math.Max(user.NewestSeen, newest);
    }

    /// <summary>At the end: every snapshot in every user's history pulls back with the bytes the oracle expects.</summary>
    private async Task FinalCheckAsync()
    {
        using var parallel = new SemaphoreSlim(2);
        foreach (var user in _users)
        {
            var history = await _checker.RunAsync("history", "--user", user.Account);
            _summary.AgentRuns++;
            var context = new StepContext(null, _summary.Steps, user, $"final check of {user.Account}: pull --snapshot N of every snapshot in history, no fault", null);
            CheckHistory(context, user, history);
            var numbers = history.Json.EnumerateArray().Select(s => s.GetProperty("number").GetInt32()).ToList();
            var pulls = numbers.Select(async number =>
            {
                await parallel.WaitAsync();
                try
                {
                    var folder = _root.Combine("final", user.Account.Replace('\\', '-'), $"{number}");
                    Directory.CreateDirectory(folder);
                    var result = await _checker.RunAsync("pull", "--user", user.Account, "--path", folder, "--snapshot", $"{number}");
                    return (number, folder, result);
                }
                finally
                {
                    parallel.Release();
                }
            }).ToList();
            foreach (var pull in pulls)
            {
                var (number, folder, result) = await pull;
                _summary.AgentRuns++;
                if (result.ExitCode != ExitCodes.Success)
                {
                    Violation(context, "(b) every snapshot in history pulls back", $"pull --snapshot {number}: {result}");
                }

                CheckPulled(context with { Run = new AgentRun(0, result, result.Json, false, null) }, number, result.Json.GetProperty("snapshot").GetProperty("manifestHash").GetString(), ProfileContent.Read(folder));
                Directory.Delete(folder, recursive: true);
            }

            var acknowledged = user.Acknowledged.Count();
            Say($"final check: {user.Account}: {numbers.Count} snapshot(s) in history pulled back byte for byte ({acknowledged} acknowledged, {user.Known.Count - acknowledged} committed without acknowledgement, {user.AttemptCount} version(s) pushed)");
        }
    }
}
