using System.Threading.Channels;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// Hands logoffs from the service control handler (which must return at once) to <see cref="LogoffPushService"/>.
/// </summary>
public sealed class LogoffQueue
{
    private readonly Channel<SessionLogoff> _logoffs = Channel.CreateUnbounded<SessionLogoff>(new UnboundedChannelOptions { SingleReader = true });

    public void Post(SessionLogoff logoff) => _logoffs.Writer.TryWrite(logoff);

    public bool TryRead(out SessionLogoff logoff) => _logoffs.Reader.TryRead(out logoff!);

    public IAsyncEnumerable<SessionLogoff> ReadAllAsync(CancellationToken cancellationToken) => _logoffs.Reader.ReadAllAsync(cancellationToken);
}
