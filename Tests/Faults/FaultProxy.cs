using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>Which way bytes travel through a <see cref="FaultProxy"/>.</summary>
public enum ProxyDirection
{
    /// <summary>From the agent (client) to the silo's gateway.</summary>
    ToServer,

    /// <summary>From the silo's gateway back to the agent.</summary>
    ToClient,
}

/// <summary>What a <see cref="FaultProxy"/> does when an armed byte threshold is reached.</summary>
public enum ProxyFault
{
    /// <summary>Reset every connection (RST both ways); new connections are accepted again.</summary>
    Cut,

    /// <summary>Reset every connection and refuse new ones (accept, then close at once) until <see cref="FaultProxy.Allow"/>.</summary>
    CutAndRefuse,

    /// <summary>Stop forwarding in both directions without closing anything, until <see cref="FaultProxy.Resume"/> or the stall's duration.</summary>
    Stall,
}

/// <summary>
/// A TCP proxy on 127.0.0.1 (a free port) in front of one silo gateway: a network whose faults a
/// test controls. It counts the bytes it forwards each way, and on command resets every connection
/// (at once, or after exactly N more bytes in one direction), stalls (stops forwarding without
/// closing), and refuses connections until allowed again. Everything a test waits on is a task
/// completed by the proxy itself: a byte count reached, a fault triggered.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly object _gate = new();
    private readonly long[] _forwarded = new long[2];
    private readonly List<(ProxyDirection Direction, long Total, TaskCompletionSource<long> Reached)> _byteWaiters = [];
    private readonly Task _acceptLoop;
    private Breakpoint? _breakpoint;
    private readonly List<(int Count, TaskCompletionSource Reached)> _connectionWaiters = [];
    private TaskCompletionSource _flowing = Completed();
    private TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _stallTimer;
    private long _nextConnectionId;
    private int _accepted;
    private int _refused;
    private int _upstreamFailures;
    private int _cuts;
    private bool _refusing;
    private bool _disposed;

    private FaultProxy(IPEndPoint target, int port)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The port agents connect to.</summary>
    public int Port { get; }

    /// <summary>"127.0.0.1:PORT", for <c>--gateway</c>.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>The port bytes are forwarded to (the silo's <c>--gateway-listen-port</c>).</summary>
    public int TargetPort => _target.Port;

    /// <summary>Connections accepted and forwarded (refused ones not included).</summary>
    public int ConnectionsAccepted
    {
        get
        {
            lock (_gate)
            {
                return _accepted;
            }
        }
    }

    /// <summary>Connections accepted and closed at once because the proxy was refusing.</summary>
    public int ConnectionsRefused => Volatile.Read(ref _refused);

    /// <summary>Connections closed because the target did not accept (the silo is down).</summary>
    public int UpstreamFailures => Volatile.Read(ref _upstreamFailures);

    /// <summary>How many times every connection was reset (by <see cref="CutNow"/> or an armed cut).</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    public bool IsRefusing
    {
        get
        {
            lock (_gate)
            {
                return _refusing;
            }
        }
    }

    /// <summary>Starts a proxy on a free loopback port that forwards to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public static FaultProxy Start(int targetPort) => new(new IPEndPoint(IPAddress.Loopback, targetPort), 0);

    /// <summary>Bytes forwarded so far in <paramref name="direction"/>, over every connection.</summary>
    public long Forwarded(ProxyDirection direction)
    {
        lock (_gate)
        {
            return _forwarded[(int)direction];
        }
    }

    public long BytesToServer => Forwarded(ProxyDirection.ToServer);

    public long BytesToClient => Forwarded(ProxyDirection.ToClient);

    /// <summary>Completes (with the count) once <paramref name="total"/> bytes have been forwarded in <paramref name="direction"/> since the proxy started.</summary>
    public Task<long> WhenForwardedAsync(ProxyDirection direction, long total, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<long> reached;
        lock (_gate)
        {
            if (_forwarded[(int)direction] >= total)
            {
                return Task.FromResult(_forwarded[(int)direction]);
            }

            reached = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _byteWaiters.Add((direction, total, reached));
        }

        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    _byteWaiters.RemoveAll(w => w.Reached == reached);
                }

                reached.TrySetCanceled(cancellationToken);
            });
        }

        return reached.Task;
    }

    /// <summary>Completes once <paramref name="count"/> connections have been accepted and connected to the target since the proxy started.</summary>
    public Task WhenConnectedAsync(int count)
    {
        lock (_gate)
        {
            if (_accepted >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connectionWaiters.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>
    /// Completes once every connection open now has closed both ways: after an agent process exits, its last
    /// bytes have then been forwarded and counted (a benchmark reads the counts only then).
    /// </summary>
    public Task WhenConnectionsClosedAsync() => Task.WhenAll(_connections.Values.Select(c => c.Completion));

    /// <summary>Completes once, during the current (or next) stall, some connection has bytes the proxy holds back.</summary>
    public Task WhenHoldingAsync()
    {
        lock (_gate)
        {
            return _holding.Task;
        }
    }

    /// <summary>
    /// Forwards exactly <paramref name="bytes"/> more bytes in <paramref name="direction"/> (over all
    /// connections together), then applies <paramref name="fault"/>. The task completes when the fault
    /// has been applied, with the direction's byte count at that moment. Replaces any armed fault.
    /// </summary>
    public Task<long> ArmAsync(ProxyDirection direction, long bytes, ProxyFault fault, TimeSpan? stallFor = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var breakpoint = new Breakpoint(direction, bytes, fault, stallFor);
        Breakpoint? replaced;
        lock (_gate)
        {
            replaced = _breakpoint;
            _breakpoint = breakpoint;
        }

        replaced?.Triggered.TrySetCanceled();
        if (bytes == 0)
        {
            Trigger(breakpoint);
        }

        return breakpoint.Triggered.Task;
    }

    /// <summary>Cuts every connection after exactly <paramref name="bytes"/> more bytes in <paramref name="direction"/>.</summary>
    public Task<long> CutAfterAsync(ProxyDirection direction, long bytes) => ArmAsync(direction, bytes, ProxyFault.Cut);

    /// <summary>Cancels an armed fault that has not triggered (its task is cancelled).</summary>
    public void Disarm()
    {
        Breakpoint? armed;
        lock (_gate)
        {
            armed = _breakpoint;
            _breakpoint = null;
        }

        armed?.Triggered.TrySetCanceled();
    }

    /// <summary>Resets every open connection now; new connections are accepted as before.</summary>
    public void CutNow() => ResetAll();

    /// <summary>Resets every open connection and refuses (accepts and closes at once) new ones until <see cref="Allow"/>.</summary>
    public void Refuse()
    {
        lock (_gate)
        {
            _refusing = true;
        }

        ResetAll();
    }

    /// <summary>Accepts and forwards new connections again.</summary>
    public void Allow()
    {
        lock (_gate)
        {
            _refusing = false;
        }
    }

    /// <summary>Stops forwarding both ways without closing anything, until <see cref="Resume"/> or, if given, <paramref name="duration"/>.</summary>
    public void Stall(TimeSpan? duration = null)
    {
        CancellationTokenSource? timer = null;
        lock (_gate)
        {
            if (_flowing.Task.IsCompleted)
            {
                _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_holding.Task.IsCompleted)
                {
                    _holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            _stallTimer?.Cancel();
            _stallTimer = null;
            if (duration is { } d)
            {
                timer = _stallTimer = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            }
        }

        if (timer is not null)
        {
            // The stall's length is the fault itself, not a wait for an event.
            _ = Task.Delay(duration!.Value, timer.Token).ContinueWith(t =>
            {
                if (!t.IsCanceled)
                {
                    Resume();
                }
            }, TaskScheduler.Default);
        }
    }

    /// <summary>Forwards again after <see cref="Stall"/>.</summary>
    public void Resume()
    {
        TaskCompletionSource flowing;
        lock (_gate)
        {
            _stallTimer?.Cancel();
            _stallTimer = null;
            flowing = _flowing;
        }

        flowing.TrySetResult();
    }

    public bool IsStalled
    {
        get
        {
            lock (_gate)
            {
                return !_flowing.Task.IsCompleted;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping.Cancel();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        Resume();
        Disarm();
        ResetAll(countAsCut: false);

        await Task.WhenAll(_connections.Values.Select(c => c.Completion));
        lock (_gate)
        {
            foreach (var (_, _, reached) in _byteWaiters)
            {
                reached.TrySetCanceled();
            }

            foreach (var (_, reached) in _connectionWaiters)
            {
                reached.TrySetCanceled();
            }

            _byteWaiters.Clear();
            _connectionWaiters.Clear();
        }

        _stopping.Dispose();
    }

    public override string ToString()
        => $"proxy :{Port} -> :{TargetPort}: {BytesToServer} bytes to server, {BytesToClient} to client, {ConnectionsAccepted} connection(s), {ConnectionsRefused} refused, {Cuts} cut(s)";

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
            {
                return;
            }

            bool refusing;
            lock (_gate)
            {
                refusing = _refusing;
            }

            if (refusing)
            {
                Interlocked.Increment(ref _refused);
                Abort(client);
                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new Connection(client, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
            _connections[id] = connection;
            connection.Completion = RunConnectionAsync(id, connection);
        }
    }

    private async Task RunConnectionAsync(long id, Connection connection)
    {
        var token = connection.Cancel.Token;
        try
        {
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            connection.Upstream = upstream;
            try
            {
                await upstream.ConnectAsync(_target, token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (ex is SocketException)
                {
                    Interlocked.Increment(ref _upstreamFailures);
                }

                return;
            }

            List<TaskCompletionSource>? reached = null;
            lock (_gate)
            {
                _accepted++;
                for (var i = _connectionWaiters.Count - 1; i >= 0; i--)
                {
                    if (_connectionWaiters[i].Count <= _accepted)
                    {
                        (reached ??= []).Add(_connectionWaiters[i].Reached);
                        _connectionWaiters.RemoveAt(i);
                    }
                }
            }

            foreach (var tcs in reached ?? [])
            {
                tcs.TrySetResult();
            }

            connection.Client.NoDelay = true;
            await Task.WhenAll(
                PumpAsync(connection, connection.Client, upstream, ProxyDirection.ToServer, token),
                PumpAsync(connection, upstream, connection.Client, ProxyDirection.ToClient, token));
        }
        finally
        {
            connection.AbortBoth();
            if (connection.Upstream is { } upstream)
            {
                Abort(upstream);
            }

            _connections.TryRemove(id, out _);
            connection.Cancel.Dispose();
        }
    }

    private async Task PumpAsync(Connection connection, Socket from, Socket to, ProxyDirection direction, CancellationToken token)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, token);
                if (read == 0)
                {
                    // An orderly close: pass it on and let the other direction finish.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                var offset = 0;
                while (offset < read)
                {
                    Task flowing;
                    lock (_gate)
                    {
                        flowing = _flowing.Task;
                        if (!flowing.IsCompleted)
                        {
                            _holding.TrySetResult();
                        }
                    }

                    await flowing.WaitAsync(token);
                    var (allowed, fire) = TakeAllowance(direction, read - offset);
                    if (allowed > 0)
                    {
                        await to.SendAsync(buffer.AsMemory(offset, allowed), SocketFlags.None, token);
                        offset += allowed;
                        Count(direction, allowed);
                    }

                    if (fire is not null)
                    {
                        Trigger(fire);
                    }
                    else if (allowed == 0)
                    {
                        // Another pump reached the breakpoint and is applying it: wait until it has.
                        await WaitForPendingAsync(token);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A reset by either end, a cut or the proxy stopping: pass the reset on to the other end.
            connection.AbortBoth();
        }
    }

    /// <summary>How many of <paramref name="wanted"/> bytes may go now, and the breakpoint to fire once they are sent.</summary>
    private (int Allowed, Breakpoint? Fire) TakeAllowance(ProxyDirection direction, int wanted)
    {
        lock (_gate)
        {
            if (_breakpoint is not { } armed || armed.Direction != direction)
            {
                return (wanted, null);
            }

            if (armed.Remaining == 0)
            {
                return (0, null);
            }

            var allowed = (int)Math.Min(wanted, armed.Remaining);
            armed.Remaining -= allowed;
            return (allowed, armed.Remaining == 0 ? armed : null);
        }
    }

    private async Task WaitForPendingAsync(CancellationToken token)
    {
        Task pending;
        lock (_gate)
        {
            pending = _breakpoint is { Remaining: 0 } armed ? armed.Applied.Task : Task.CompletedTask;
        }

        await pending.WaitAsync(token);
    }

    private void Count(ProxyDirection direction, int bytes)
    {
        List<(TaskCompletionSource<long> Reached, long Count)>? reached = null;
        lock (_gate)
        {
            var total = _forwarded[(int)direction] += bytes;
            for (var i = _byteWaiters.Count - 1; i >= 0; i--)
            {
                if (_byteWaiters[i].Direction == direction && _byteWaiters[i].Total <= total)
                {
                    (reached ??= []).Add((_byteWaiters[i].Reached, total));
                    _byteWaiters.RemoveAt(i);
                }
            }
        }

        foreach (var (tcs, count) in reached ?? [])
        {
            tcs.TrySetResult(count);
        }
    }

    private void Trigger(Breakpoint breakpoint)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_breakpoint, breakpoint))
            {
                return;
            }

            _breakpoint = null;
        }

        switch (breakpoint.Fault)
        {
            case ProxyFault.Cut:
                ResetAll();
                break;
            case ProxyFault.CutAndRefuse:
                Refuse();
                break;
            case ProxyFault.Stall:
                Stall(breakpoint.StallFor);
                break;
        }

        breakpoint.Applied.TrySetResult();
        breakpoint.Triggered.TrySetResult(Forwarded(breakpoint.Direction));
    }

    private void ResetAll(bool countAsCut = true)
    {
        if (countAsCut)
        {
            Interlocked.Increment(ref _cuts);
        }

        foreach (var connection in _connections.Values)
        {
            connection.AbortBoth();
        }
    }

    /// <summary>Closes with a reset (SO_LINGER 0): what the other end sees when a network path dies and a router answers.</summary>
    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    private sealed class Breakpoint(ProxyDirection direction, long remaining, ProxyFault fault, TimeSpan? stallFor)
    {
        public ProxyDirection Direction { get; } = direction;

        public long Remaining { get; set; } = remaining;

        public ProxyFault Fault { get; } = fault;

        public TimeSpan? StallFor { get; } = stallFor;

        public TaskCompletionSource Applied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<long> Triggered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Connection(Socket client, CancellationTokenSource cancel)
    {
        private int _aborted;

        public Socket Client { get; } = client;

        public Socket? Upstream { get; set; }

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task Completion { get; set; } = Task.CompletedTask;

        public void AbortBoth()
        {
            if (Interlocked.Exchange(ref _aborted, 1) != 0)
            {
                return;
            }

            try
            {
                Cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }

            Abort(Client);
            if (Upstream is { } upstream)
            {
                Abort(upstream);
            }
        }
    }
}
