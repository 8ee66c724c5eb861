using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>
/// A loopback HTTP/1.1 proxy in front of Azurite's blob endpoint that counts the storage requests passing through
/// it (by kind: what an Azure bill and a storage account's request limit count) and the bytes each way. It parses
/// only request heads and skips bodies by Content-Length, which is how the Azure SDK sends them.
/// </summary>
public sealed class StorageRequestCounter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private long _toStorage;
    private long _fromStorage;

    public StorageRequestCounter(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>What was counted so far; subtract two readings for what one operation cost.</summary>
    public StorageRequests Read() => new(new Dictionary<string, int>(_requests, StringComparer.Ordinal), Interlocked.Read(ref _toStorage), Interlocked.Read(ref _fromStorage));

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(RelayAsync(client));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var up = CountRequestsAsync(client.GetStream(), server.GetStream());
            var down = CopyAsync(server.GetStream(), client.GetStream());
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
        }
    }

    private async Task CopyAsync(Stream from, Stream to)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            Interlocked.Add(ref _fromStorage, read);
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private async Task CountRequestsAsync(Stream from, Stream to)
    {
        var reader = new HeadReader(from);
        while (await reader.ReadHeadAsync(_stop.Token) is { } head)
        {
            var text = Encoding.ASCII.GetString(head);
            var lines = text.Split("\r\n");
            var length = 0L;
            foreach (var line in lines.Skip(1))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = long.Parse(line.AsSpan("Content-Length:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase))
                {
                    throw new NotSupportedException("A chunked request body: the counter skips bodies by Content-Length only.");
                }
            }

            _requests.AddOrUpdate(Kind(lines[0]), 1, (_, n) => n + 1);
            Interlocked.Add(ref _toStorage, head.Length + length);
            await to.WriteAsync(head, _stop.Token);
            await reader.CopyBodyAsync(to, length, _stop.Token);
        }
    }

    /// <summary>The request as the storage service prices it: method and operation (comp=), blob or container.</summary>
    private static string Kind(string requestLine)
    {
        var parts = requestLine.Split(' ');
        var method = parts[0];
        var target = parts.Length > 1 ? parts[1] : "/";
        var query = target.Contains('?') ? target[(target.IndexOf('?') + 1)..] : "";
        var path = target.Split('?')[0].Trim('/').Split('/');
        var comp = query.Split('&').Select(p => p.Split('=')).FirstOrDefault(p => p[0] == "comp") is { Length: 2 } c ? c[1] : null;
        var scope = path.Length <= 2 ? "container" : "blob";
        return comp is null ? $"{method} {scope}" : $"{method} {scope} ({comp})";
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    /// <summary>Reads request heads (up to the blank line) and then relays bodies of a known length.</summary>
    private sealed class HeadReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[81920];
        private int _start;
        private int _end;

        public async Task<byte[]?> ReadHeadAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var at = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
                if (at >= 0)
                {
                    var head = _buffer.AsSpan(_start, at + 4).ToArray();
                    _start += at + 4;
                    return head;
                }

                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }
        }

        public async Task CopyBodyAsync(Stream to, long length, CancellationToken cancellationToken)
        {
            while (length > 0)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new IOException("The connection closed inside a request body.");
                }

                var take = (int)Math.Min(length, _end - _start);
                await to.WriteAsync(_buffer.AsMemory(_start, take), cancellationToken);
                _start += take;
                length -= take;
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                (_end, _start) = (_end - _start, 0);
            }

            if (_end == _buffer.Length)
            {
                throw new IOException("A request head longer than the buffer.");
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += read;
            return read > 0;
        }
    }
}
