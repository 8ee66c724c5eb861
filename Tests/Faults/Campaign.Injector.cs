using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>The injector: running an agent while the proxy cuts or stalls its connection, or a process is killed.</summary>
public sealed partial class Campaign
{
    private async Task<AgentRun> RunWithFaultAsync(AgentRunner runner, string[] args, StepPlan plan, UserModel user)
    {
        var fault = plan.Fault;
        string[] full = [.. args, "--timeout", $"{FaultTimeoutSeconds}", "--retries", $"{fault.Retries}", .. fault.BandwidthLimitKiB > 0 ? new[] { "--bwlimit", $"{fault.BandwidthLimitKiB}" } : []];
        var proxy = Store.Proxy;
        using var stepEnd = new CancellationTokenSource();
        Task trigger;
        switch (fault.Trigger)
        {
            case FaultTrigger.ProxyBytes or FaultTrigger.LastBatch when fault.UsesProxyBreakpoint:
                trigger = proxy.ArmAsync(fault.Direction, fault.Offset, fault.Kind switch
                {
                    FaultKind.ConnectionCut => ProxyFault.Cut,
                    FaultKind.ConnectionCutAndRefuse => ProxyFault.CutAndRefuse,
                    _ => ProxyFault.Stall,
                }, fault.For);
                break;
            case FaultTrigger.ProxyBytes or FaultTrigger.LastBatch:
                trigger = proxy.WhenForwardedAsync(fault.Direction, proxy.Forwarded(fault.Direction) + fault.Offset, stepEnd.Token);
                break;
            case FaultTrigger.SessionBegun:
                trigger = NewSiloLine(l => l.Contains($"Profile {user.Account}: upload session", StringComparison.Ordinal) && (l.Contains(" begun ", StringComparison.Ordinal) || l.Contains(" resumed", StringComparison.Ordinal)), "the upload session's line");
                break;
            case FaultTrigger.CommitLogged:
                var newest = user.NewestSeen;
                trigger = NewSiloLine(l => l.Contains($"Profile {user.Account}: snapshot", StringComparison.Ordinal) && CommittedNumber(l) > newest, "the commit's line");
                break;
            case FaultTrigger.PullJournal:
                trigger = FileAppearsAsync(runner.StateDirectory, "*.pending.json", stepEnd.Token);
                break;
            default:
                trigger = Task.CompletedTask; // set once the agent runs
                break;
        }

        _summary.AgentRuns++;
        await using var agent = runner.Start(full);
        var exited = agent.WaitForExitAsync();
        if (fault.Trigger == FaultTrigger.FirstProgressLine)
        {
            trigger = agent.WaitForLineAsync(l => l.StartsWith("progress: ", StringComparison.Ordinal), "the agent's first progress line");
        }

        var applied = ApplyFaultAsync(fault, trigger, agent, exited);
        int exitCode;
        (bool Landed, string? Note) faultResult;
        try
        {
            exitCode = await exited;
        }
        finally
        {
            // Whatever happens, the fault ends with the agent: nothing armed, stalled or refused is left for the next step.
            faultResult = await applied;
            await stepEnd.CancelAsync();
            proxy.Disarm();
            proxy.Resume();
            proxy.Allow();
        }

        var result = new AgentResult(exitCode, agent.StandardOutput, agent.StandardError);
        JsonElement? json = exitCode == 0 ? result.Json : null;
        return new AgentRun(exitCode, result, json, faultResult.Landed, faultResult.Note);
    }

    /// <summary>Applies the fault when its trigger fires while the agent runs; returns whether it landed then.</summary>
    private async Task<(bool Landed, string? Note)> ApplyFaultAsync(FaultPlan fault, Task trigger, ChildProcess agent, Task<int> exited)
    {
        var fired = Fired(trigger);
        var first = await Task.WhenAny(fired, exited);
        var landed = first == fired && await fired && !agent.HasExited;
        if (fault.UsesProxyBreakpoint)
        {
            // The proxy applied it itself; a refusal with a duration is lifted here, one "until exit" when the agent exits.
            landed = trigger.IsCompletedSuccessfully;
            if (landed && fault.Kind == FaultKind.ConnectionCutAndRefuse && fault.For is { } duration)
            {
                await Task.WhenAny(Task.Delay(duration), exited);
                Store.Proxy.Allow();
            }

            await exited;
            return (trigger.IsCompletedSuccessfully, null);
        }

        switch (fault.Kind)
        {
            case FaultKind.AgentKill:
                if (landed)
                {
                    agent.Kill();
                }

                return (landed, null);
            case FaultKind.SiloKill:
                if (!landed)
                {
                    // The transfer ended first: the crash comes after the acknowledgement (invariant 2).
                    await exited;
                }

                await Store.KillAsync();
                await Store.StartAgainAsync();
                return (landed, landed ? null : "silo killed after the agent exited");
            case FaultKind.StorageRestart when _azurite is not null:
                if (!landed)
                {
                    await exited;
                }

                _azurite = await _azurite.RestartAsync();
                _storageRestarts++;
                return (landed, landed ? "Azurite restarted under the running silo" : "Azurite restarted after the agent exited");
            default:
                if (!landed)
                {
                    await exited;
                }

                var stopped = await Store.StopAndRestartAsync();
                if (stopped != 0)
                {
                    _summary.Notes.Add($"step {_summary.Steps + 1}: the silo exited {stopped} on SIGTERM instead of 0");
                }

                return (landed, landed ? $"silo stopped (exit {stopped}) and restarted" : $"silo stopped (exit {stopped}) and restarted after the agent exited");
        }
    }

    /// <summary>Completes when a file matching <paramref name="pattern"/> is created (or renamed into place) under <paramref name="folder"/>.</summary>
    private static async Task FileAppearsAsync(string folder, string pattern, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var appeared = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(folder, pattern) { IncludeSubdirectories = true };
        watcher.Created += (_, _) => appeared.TrySetResult();
        watcher.Renamed += (_, e) => appeared.TrySetResult();
        watcher.EnableRaisingEvents = true;
        await appeared.Task.WaitAsync(cancellationToken);
    }

    private static async Task<bool> Fired(Task trigger)
    {
        try
        {
            await trigger;
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The next line the silo prints that matches (lines already printed do not count).</summary>
    private Task<string> NewSiloLine(Func<string, bool> match, string what)
    {
        var armed = new Flag();
        var line = Store.Silo.Process.WaitForLineAsync(l => armed.Value && match(l), what);
        armed.Value = true;
        return line;
    }

    private static int CommittedNumber(string line)
        => CommitLine().Match(line) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    [GeneratedRegex(@"snapshot (\d+) committed from session")]
    private static partial Regex CommitLine();
}
