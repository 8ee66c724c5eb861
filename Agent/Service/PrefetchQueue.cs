using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// Users to look at, each at most once in the queue: a burst of notifications (or a check beside one) for
/// a user costs one look, which reads the current snapshot anyway. A logon is always queued.
/// </summary>
public sealed class PrefetchQueue
{
    private readonly Channel<PrefetchRequest> _requests = Channel.CreateUnbounded<PrefetchRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ProfileKey, bool> _queued = new();

    public void Post(PrefetchRequest request)
    {
        if (request.Reason == PrefetchReason.Logon || _queued.TryAdd(request.Account, true))
        {
            _requests.Writer.TryWrite(request);
        }
    }

    public async IAsyncEnumerable<PrefetchRequest> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            yield return await ReadAsync(cancellationToken);
        }
    }

    public async ValueTask<PrefetchRequest> ReadAsync(CancellationToken cancellationToken)
        => Taken(await _requests.Reader.ReadAsync(cancellationToken));

    public bool TryRead([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PrefetchRequest? request)
    {
        request = _requests.Reader.TryRead(out var read) ? Taken(read) : null;
        return request is not null;
    }

    private PrefetchRequest Taken(PrefetchRequest request)
    {
        if (request.Reason != PrefetchReason.Logon)
        {
            // Taken off before the look, so a commit during it queues another.
            _queued.TryRemove(request.Account, out _);
        }

        return request;
    }
}
