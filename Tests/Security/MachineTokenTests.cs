using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Security;

/// <summary>
/// A workstation's machine token on a real in-process cluster with authentication on: it pushes, pulls and reads
/// the status of the profiles of the users it lists, and nothing else; a refused call names the machine and changes nothing.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class MachineTokenTests : IAsyncLifetime
{
    private const string Refused = "the machine token for WS042 does not list this profile among its users";
    private static readonly ProfileKey Alice = ProfileKey.Parse(@"contoso\alice");
    private static readonly ProfileKey Bob = ProfileKey.Parse(@"contoso\bob");
    private static readonly ProfileKey Carol = ProfileKey.Parse(@"contoso\carol");
    private readonly TestKeys _keys = new();
    private readonly TempDirectory _data = new("machine-token");
    private readonly ManualTimeProvider _time = new();
    private ProfileStoreCluster _cluster = null!;

    public async Task InitializeAsync()
        => _cluster = await ProfileStoreCluster.StartAsync(_data.Path, _time, configureSilo: silo => silo.AddProfileAuthentication(o => o.KeyFile = _keys.PublicKeyFile));

    public async Task DisposeAsync()
    {
        RequestContext.Clear();
        await _cluster.DisposeAsync();
        _data.Dispose();
        _keys.Dispose();
    }

    [Theory]
    [InlineData(@"contoso\alice")]
    [InlineData(@"CONTOSO\ALICE")]
    public async Task A_machine_token_pushes_pulls_and_reads_the_status_of_a_listed_users_profile_whatever_the_case_of_the_listed_name(string listed)
    {
        AsCaller(_keys.IssueMachine("WS042", [listed, @"contoso\bob"]));
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 11)), (@"AppData\Roaming\app.ini", "[a]\r\nb=1\r\n"u8.ToArray()));
        var commit = await ProfileUploads.PushAsync(_cluster.Client, Alice, content, machine: "WS042");

        var status = await _cluster.Profile(Alice).GetStatus();
        Assert.Equal((commit.Snapshot.Number, "WS042", 0), (status.Current!.Number, status.Current.Machine, status.OpenSessions));
        var snapshot = await _cluster.Profile(Alice).GetSnapshot(0);
        var files = await ProfileUploads.ReadFilesAsync(_cluster.Client, Alice, snapshot.Manifest);
        Assert.Equal(2, files.Count);
        Assert.Equal(content.Files["NTUSER.DAT"], files["NTUSER.DAT"]);
        Assert.Equal(content.Files[@"AppData\Roaming\app.ini"], files[@"AppData\Roaming\app.ini"]);

        Assert.Equal(1, (await ProfileUploads.PushAsync(_cluster.Client, Bob, content, machine: "WS042")).Snapshot.Number);
    }

    [Fact]
    public async Task A_machine_token_is_refused_on_every_method_of_a_profile_it_does_not_list_and_changes_nothing()
    {
        AsCaller(_keys.Issue(@"contoso\carol"));
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 12)));
        await ProfileUploads.PushAsync(_cluster.Client, Carol, content);
        var before = await _cluster.Profile(Carol).GetStatus();
        var manifest = (await _cluster.Profile(Carol).GetSnapshot(0)).Manifest;

        // Nor the profile of a user who happens to be named like the machine.
        var namedLikeTheMachine = ProfileKey.Parse("ws042");
        AsCaller(_keys.IssueMachine("WS042", [@"contoso\alice", @"contoso\bob"]));
        var changed = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 13)));
        var request = changed.Request(baseSnapshot: 1, machine: "WS042");
        foreach (var profile in new[] { Carol, namedLikeTheMachine })
        {
            var calls = new Func<Task>[]
            {
                () => _cluster.Profile(profile).GetStatus(),
                () => _cluster.Profile(profile).GetHistory(),
                () => _cluster.Profile(profile).GetSnapshot(0),
                () => _cluster.Profile(profile).Restore(1, "WS042"),
                () => _cluster.Profile(profile).CollectGarbage(),
                () => _cluster.Upload(profile).BeginUpload(request),
                () => _cluster.Upload(profile).PutChunks(request.SessionId, [changed.Payload(changed.DistinctChunks[0])]),
                () => _cluster.Upload(profile).CommitUpload(request.SessionId),
                () => _cluster.Upload(profile).AbortUpload(request.SessionId),
                () => _cluster.Reader(profile).ReadChunks([manifest.Locations[0]]),
            };
            foreach (var call in calls)
            {
                Assert.Equal(Refused, (await Assert.ThrowsAsync<NotAuthorizedException>(call)).Reason);
            }
        }

        AsCaller(_keys.Issue(@"contoso\carol"));
        Assert.Equal(before, await _cluster.Profile(Carol).GetStatus());
        Assert.Equal([1], (await _cluster.Profile(Carol).GetHistory()).Select(s => s.Number));
    }

    [Fact]
    public async Task A_machine_token_may_not_read_history_restore_abort_or_collect_garbage_even_on_a_listed_profile()
    {
        AsCaller(_keys.IssueMachine("WS042", [@"contoso\alice"]));
        await ProfileUploads.PushAsync(_cluster.Client, Alice, await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 14))), machine: "WS042");
        var next = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 15)));
        var open = next.Request(baseSnapshot: 1, machine: "WS042");
        await _cluster.Upload(Alice).BeginUpload(open);
        var before = await _cluster.Profile(Alice).GetStatus();

        var calls = new (string Method, Func<Task> Call)[]
        {
            ("GetHistory", () => _cluster.Profile(Alice).GetHistory()),
            ("Restore", () => _cluster.Profile(Alice).Restore(1, "WS042")),
            ("CollectGarbage", () => _cluster.Profile(Alice).CollectGarbage()),
            ("AbortUpload", () => _cluster.Upload(Alice).AbortUpload(open.SessionId)),
        };
        foreach (var (method, call) in calls)
        {
            Assert.Equal($"the machine token for WS042 may not call {method}", (await Assert.ThrowsAsync<NotAuthorizedException>(call)).Reason);
        }

        var after = await _cluster.Profile(Alice).GetStatus();
        Assert.Equal(before, after);
        Assert.Equal((1, 1), (after.Current!.Number, after.OpenSessions));
    }

    [Fact]
    public async Task A_machine_token_expires_at_its_time_give_or_take_the_clock_skew()
    {
        AsCaller(_keys.IssueMachine("WS042", [@"contoso\alice"], lifetime: TimeSpan.FromMinutes(5), now: _time.GetUtcNow().UtcDateTime));
        Assert.Null((await _cluster.Profile(Alice).GetStatus()).Current);

        _time.Advance(TimeSpan.FromMinutes(8)); // past expiry and the 2-minute skew
        var refused = await Assert.ThrowsAsync<NotAuthorizedException>(() => _cluster.Profile(Alice).GetStatus());
        Assert.Equal("the token has expired or is not valid yet", refused.Reason);
    }

    [Fact]
    public async Task A_token_that_is_half_a_machine_token_is_refused_whole()
    {
        var cases = new (string Token, string Reason)[]
        {
            (_keys.IssueMachine("WS042", [@"contoso\alice"], admin: true), "the machine token for WS042 carries the administrator role, which a machine token may not"),
            (_keys.IssueMachine("WS042", [@"contoso\alice"], subject: "machine:WS043"), "the machine token for WS042 does not have the subject machine:WS042"),
            (_keys.IssueMachine("WS042", [@"contoso\alice"], subject: @"contoso\alice"), "the machine token for WS042 does not have the subject machine:WS042"),
            (_keys.IssueMachine("WS 042", [@"contoso\alice"]), "the machine token does not name one valid machine"),
            (_keys.IssueMachine("WS042", []), "the machine token for WS042 lists no users"),
            (_keys.IssueMachine("WS042", [@"contoso\alice", "a\\b\\c"]), "the machine token for WS042 lists a user that is not an account name"),
            (_keys.Issue("machine:WS042"), "the machine token does not name one valid machine"),
        };
        foreach (var (token, reason) in cases)
        {
            AsCaller(token);
            Assert.Equal(reason, (await Assert.ThrowsAsync<NotAuthorizedException>(() => _cluster.Profile(Alice).GetStatus())).Reason);
        }
    }

    private static void AsCaller(string? token)
    {
        RequestContext.Clear();
        if (token is not null)
        {
            RequestContext.Set(ProfileTokens.RequestContextKey, token);
        }
    }
}
