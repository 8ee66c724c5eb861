using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>
/// A real process of ours (`dotnet X.dll …`) whose output lines are collected and can be awaited:
/// tests wait on what the program says (its ready line, a progress line), never on a clock.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly ConcurrentQueue<Waiter> _waiters = new();
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    private ChildProcess(string program, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, _stdout, _outputClosed);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, _stderr, _errorClosed);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts one of our .NET programs.</summary>
    public static ChildProcess Start(string dll, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
        => new("dotnet", [dll, .. args], workingDirectory ?? Path.GetTempPath(), environment);

    public static ChildProcess StartProgram(string program, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
        => new(program, args, workingDirectory ?? Path.GetTempPath(), environment);

    /// <summary>Completes with the first line (already printed, or to come) that matches; fails if the process exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what)
    {
        var waiter = new Waiter(match);
        _waiters.Enqueue(waiter);
        foreach (var line in (StandardOutput + StandardError).Split('\n'))
        {
            if (match(line))
            {
                waiter.Found.TrySetResult(line);
            }
        }

        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(waiter.Found.Task, exited, Task.Delay(SignalTimeout));
        if (first == waiter.Found.Task)
        {
            return await waiter.Found.Task;
        }

        throw new InvalidOperationException(
            $"{what}: {(first == exited ? $"the process exited ({_process.ExitCode})" : $"not seen in {SignalTimeout}")} before it.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
    }

    /// <summary>Waits for the process to exit by itself and for all its output; kills it after <paramref name="timeout"/> (default 3 minutes).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? SignalTimeout * 2);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"The process did not exit.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        }

        await Task.WhenAll(_outputClosed.Task, _errorClosed.Task);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: what a switched-off workstation or a crashed server looks like.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>SIGTERM: what a service manager sends; the program should stop cleanly.</summary>
    public async Task<int> TerminateAsync()
    {
        if (!_process.HasExited)
        {
            _ = SendSignal(_process.Id, 15);
        }

        return await WaitForExitAsync();
    }

    /// <summary>SIGSTOP: the process keeps its sockets open but answers nothing, like a hung server.</summary>
    public void Pause() => _ = SendSignal(_process.Id, 19);

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => _ = SendSignal(_process.Id, 18);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void OnLine(string? line, StringBuilder buffer, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (buffer)
        {
            buffer.Append(line).Append('\n');
        }

        foreach (var waiter in _waiters)
        {
            if (!waiter.Found.Task.IsCompleted && waiter.Match(line))
            {
                waiter.Found.TrySetResult(line);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    private sealed record Waiter(Func<string, bool> Match)
    {
        public TaskCompletionSource<string> Found { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
