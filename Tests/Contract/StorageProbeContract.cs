using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Tests.Contract;

/// <summary>
/// What every <see cref="IStorageProbe"/> must do for the silo's readiness check: answer on working
/// storage, throw within a bounded time when storage is gone, and answer again, from the same
/// instance (the silo's is a singleton), once storage is back.
/// </summary>
public abstract class StorageProbeContract
{
    /// <summary>
    /// The caller's deadline for a probe, as the readiness check gives: storage that does not answer
    /// within it is not ready, and the probe must give up then rather than go on retrying.
    /// </summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    /// <summary>Longer than any probe may take, deadline included; well short of a hang.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long the first probe after storage came back may take: a store may finish a retry it began
    /// while storage was gone before it answers.
    /// </summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    /// <summary>A new probe over the test's storage.</summary>
    protected abstract IStorageProbe CreateProbe();

    /// <summary>Takes the storage away: a probe cannot succeed until <see cref="RestoreStorageAsync"/>.</summary>
    protected abstract Task MakeStorageUnavailableAsync();

    /// <summary>Brings the storage back, with what it held.</summary>
    protected abstract Task RestoreStorageAsync();

    /// <summary>Checks that the exception is the one this store gives for its storage being gone (within the deadline).</summary>
    protected abstract void AssertUnavailable(Exception error);

    [Fact]
    public async Task The_probe_succeeds_on_working_storage()
    {
        var probe = CreateProbe();

        await probe.ProbeAsync(CancellationToken.None).WaitAsync(Bound);
        await probe.ProbeAsync(CancellationToken.None).WaitAsync(Bound);
        await CreateProbe().ProbeAsync(CancellationToken.None).WaitAsync(Bound);
    }

    [Fact]
    public async Task The_probe_fails_while_storage_is_gone_and_succeeds_again_when_it_is_back()
    {
        var probe = CreateProbe();
        await probe.ProbeAsync(CancellationToken.None).WaitAsync(Bound);

        await MakeStorageUnavailableAsync();
        await AssertProbeFailsAsync(probe);

        await RestoreStorageAsync();
        await probe.ProbeAsync(CancellationToken.None).WaitAsync(RecoveryBound);
    }

    [Fact]
    public async Task A_probe_that_first_ran_while_storage_was_gone_succeeds_once_it_is_back()
    {
        await MakeStorageUnavailableAsync();
        var probe = CreateProbe();
        await AssertProbeFailsAsync(probe);

        await RestoreStorageAsync();
        await probe.ProbeAsync(CancellationToken.None).WaitAsync(RecoveryBound);
    }

    private async Task AssertProbeFailsAsync(IStorageProbe probe)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var error = await Record.ExceptionAsync(() => probe.ProbeAsync(deadline.Token).WaitAsync(Bound));

        Assert.NotNull(error);
        Assert.IsNotType<TimeoutException>(error);
        AssertUnavailable(error);
    }
}
