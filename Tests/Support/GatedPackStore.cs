using System.Collections.Immutable;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// A pack store whose next stage or commit, when armed, says it has started and then waits until the test releases it:
/// an upload's storage write held for as long as the test needs.
/// </summary>
public sealed class GatedPackStore(IPackStore inner) : IPackStore
{
    private Gate? _stage;
    private Gate? _commit;

    /// <summary>Holds the next <see cref="StageAsync"/> before it writes anything.</summary>
    public Gate HoldNextStage() => Interlocked.Exchange(ref _stage, new Gate()) is null ? _stage! : throw new InvalidOperationException("A stage is already held.");

    /// <summary>Holds the next <see cref="CommitAsync"/> before it writes anything.</summary>
    public Gate HoldNextCommit() => Interlocked.Exchange(ref _commit, new Gate()) is null ? _commit! : throw new InvalidOperationException("A commit is already held.");

    public async Task StageAsync(ProfileKey profile, Guid session, IReadOnlyList<ChunkPayload> chunks, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stage, null) is { } gate)
        {
            await gate.PassAsync();
        }

        await inner.StageAsync(profile, session, chunks, cancellationToken);
    }

    public async Task<ImmutableArray<ChunkLocation>> CommitAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _commit, null) is { } gate)
        {
            await gate.PassAsync();
        }

        return await inner.CommitAsync(profile, session, cancellationToken);
    }

    public Task<IReadOnlySet<ContentHash>> GetStagedAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
        => inner.GetStagedAsync(profile, session, cancellationToken);

    public Task<IReadOnlySet<Guid>> ListAsync(ProfileKey profile, CancellationToken cancellationToken = default)
        => inner.ListAsync(profile, cancellationToken);

    public Task DiscardAsync(ProfileKey profile, Guid session, CancellationToken cancellationToken = default)
        => inner.DiscardAsync(profile, session, cancellationToken);

    public Task<ImmutableArray<byte[]>> ReadAsync(ProfileKey profile, IReadOnlyList<ChunkLocation> chunks, CancellationToken cancellationToken = default)
        => inner.ReadAsync(profile, chunks, cancellationToken);

    /// <summary>One held call: <see cref="Entered"/> completes when it starts waiting, <see cref="Release"/> lets it go on.</summary>
    public sealed class Gate
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Release() => _released.TrySetResult();

        internal Task PassAsync()
        {
            _entered.TrySetResult();
            return _released.Task;
        }
    }
}
