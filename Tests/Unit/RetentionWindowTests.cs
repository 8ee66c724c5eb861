using Orleans.Profiles.Retention;
using Orleans.Profiles.Tests.Support;
using Orleans.Profiles.Uploads;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>The retention window as a pure function of a profile's state and the time.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class RetentionWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_newest_n_are_kept_and_older_ones_expire()
    {
        var state = StateOf(current: 5, ageInDays: [50, 40, 30, 20, 10]);

        Assert.Equal([3, 4, 5], Sorted(RetentionWindow.Retained(state, Now, retainSnapshots: 3, retainFor: TimeSpan.FromDays(1))));
        Assert.True(RetentionWindow.HasExpired(state, Now, 3, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Every_snapshot_younger_than_the_age_limit_is_kept_beyond_the_count()
    {
        var state = StateOf(current: 5, ageInDays: [50, 40, 30, 20, 10]);

        Assert.Equal([2, 3, 4, 5], Sorted(RetentionWindow.Retained(state, Now, retainSnapshots: 1, retainFor: TimeSpan.FromDays(40))));
    }

    [Fact]
    public void The_current_snapshot_is_kept_even_when_it_is_the_oldest()
    {
        // A restore or a conflict kept by policy can leave an old snapshot current.
        var state = StateOf(current: 1, ageInDays: [50, 40, 30]);

        Assert.Equal([1, 3], Sorted(RetentionWindow.Retained(state, Now, retainSnapshots: 1, retainFor: TimeSpan.FromDays(1))));
    }

    [Fact]
    public void A_snapshot_an_open_upload_reuses_chunks_of_is_kept()
    {
        var state = StateOf(current: 4, ageInDays: [50, 40, 30, 20]);
        var session = new UploadSession(Guid.NewGuid(), ContentHash.Compute([1]), 2, 2, "WS-0002", Now.AddHours(-1), Now.AddHours(1));
        state.Sessions[session.Id] = session;

        Assert.Equal([2, 4], Sorted(RetentionWindow.Retained(state, Now, retainSnapshots: 1, retainFor: TimeSpan.FromDays(1))));
    }

    [Fact]
    public void Nothing_expires_while_the_whole_history_is_inside_the_window()
    {
        var state = StateOf(current: 3, ageInDays: [3, 2, 1]);

        Assert.False(RetentionWindow.HasExpired(state, Now, retainSnapshots: 1, retainFor: TimeSpan.FromDays(7)));
        Assert.False(RetentionWindow.HasExpired(new ProfileState(), Now, retainSnapshots: 1, retainFor: TimeSpan.Zero));
    }

    /// <summary>Snapshots numbered 1.. committed the given number of days ago, oldest first.</summary>
    private static ProfileState StateOf(int current, int[] ageInDays)
    {
        var state = new ProfileState { Current = current, LastNumber = ageInDays.Length };
        for (var i = 0; i < ageInDays.Length; i++)
        {
            state.History.Add(new SnapshotInfo(i + 1, Now.AddDays(-ageInDays[i]), "WS-0001", 100, 1, ContentHash.Compute([(byte)i]), i, 0, 0, Guid.NewGuid()));
        }

        return state;
    }

    private static int[] Sorted(IReadOnlySet<int> numbers) => [.. numbers.Order()];
}
