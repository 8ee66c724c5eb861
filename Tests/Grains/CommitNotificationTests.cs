using System.Threading.Channels;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary>The subscription grain: who is told of a commit, and what a lost or lapsed subscription looks like.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class CommitNotificationTests(ProfileClusterFixture fixture) : IClassFixture<ProfileClusterFixture>
{
    [Fact]
    public async Task A_commit_and_a_restore_are_told_to_every_subscribed_machine_but_the_committing_one()
    {
        var key = fixture.NewKey();
        var (a, b) = (new Observer(), new Observer());
        var subscriptions = fixture.Client.GetGrain<IProfileSubscriptionsGrain>(key.Value);
        await subscriptions.Subscribe("WS-A", fixture.Client.CreateObjectReference<IProfileCommitObserver>(a));
        await subscriptions.Subscribe("ws-b", fixture.Client.CreateObjectReference<IProfileCommitObserver>(b));

        await ProfileUploads.PushAsync(fixture.Client, key, await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 1))), machine: "WS-A");
        var first = await b.NextAsync();
        Assert.Equal((key.Value, 1, "WS-A", 1), (first.Profile, first.Snapshot.Number, first.Snapshot.Machine, first.Current));

        await ProfileUploads.PushAsync(fixture.Client, key, await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 2))), baseSnapshot: 1, machine: "WS-B");
        await fixture.Client.GetProfile(key).Restore(1, "WS-B");

        // WS-A heard nothing of its own commit: its first notice is WS-B's.
        Assert.Equal([(2, "WS-B"), (3, "WS-B")], [Of(await a.NextAsync()), Of(await a.NextAsync())]);
        Assert.Null(await a.NextAsync(TimeSpan.Zero, orNull: true));
        Assert.Null(await b.NextAsync(TimeSpan.Zero, orNull: true));
    }

    [Fact]
    public async Task A_renewal_is_new_only_the_first_time_after_the_silo_lost_it_and_after_it_lapsed()
    {
        var key = fixture.NewKey();
        var observer = fixture.Client.CreateObjectReference<IProfileCommitObserver>(new Observer());
        var subscriptions = fixture.Client.GetGrain<IProfileSubscriptionsGrain>(key.Value);

        var first = await subscriptions.Subscribe("WS-A", observer);
        var renewed = await subscriptions.Subscribe("ws-a", observer);
        Assert.Equal((true, false), (first.IsNew, renewed.IsNew));
        Assert.Equal((fixture.Time.GetUtcNow() + CommitSubscription.Lifetime).ToUnixTimeSeconds(), renewed.ExpiresAt.ToUnixTimeSeconds(), tolerance: 2);

        // What a silo loss does to it: the activation and its subscribers are gone.
        await fixture.Cluster.Cluster.DeactivateAsync(subscriptions);
        Assert.True((await subscriptions.Subscribe("WS-A", observer)).IsNew);

        fixture.Time.Advance(CommitSubscription.Lifetime);
        Assert.True((await subscriptions.Subscribe("WS-A", observer)).IsNew);
        await Assert.ThrowsAsync<InvalidMachineNameException>(() => subscriptions.Subscribe("not a machine", observer));
    }

    private static (int, string) Of(ProfileCommitted commit) => (commit.Snapshot.Number, commit.Snapshot.Machine);

    private sealed class Observer : IProfileCommitObserver
    {
        private readonly Channel<ProfileCommitted> _commits = Channel.CreateUnbounded<ProfileCommitted>();

        public Task Committed(ProfileCommitted commit)
        {
            _commits.Writer.TryWrite(commit);
            return Task.CompletedTask;
        }

        public async Task<ProfileCommitted> NextAsync() => (await NextAsync(TimeSpan.FromSeconds(30), orNull: false))!;

        public async Task<ProfileCommitted?> NextAsync(TimeSpan wait, bool orNull)
        {
            if (_commits.Reader.TryRead(out var ready))
            {
                return ready;
            }

            if (orNull && wait == TimeSpan.Zero)
            {
                return null;
            }

            using var timeout = new CancellationTokenSource(wait);
            return await _commits.Reader.ReadAsync(timeout.Token);
        }
    }
}
