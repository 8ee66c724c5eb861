using System.Reflection;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Security;

/// <summary>
/// Invariant 6 on a real in-process cluster with authentication on: a caller reaches only the
/// profiles its token allows, every refusal is typed, and a refused call changes nothing.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class AuthorizationTests : IAsyncLifetime
{
    private static readonly ProfileKey Alice = ProfileKey.Parse(@"contoso\alice");
    private static readonly ProfileKey Bob = ProfileKey.Parse(@"contoso\bob");
    private readonly TestKeys _keys = new();
    private readonly TestKeys _otherKeys = new(ecdsa: true);
    private readonly TempDirectory _data = new("auth");
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
        _otherKeys.Dispose();
    }

    [Fact]
    public async Task The_owner_pushes_and_pulls_their_own_profile_whatever_the_case_of_the_account_name()
    {
        AsCaller(_keys.Issue(@"CONTOSO\Alice"));
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 1)));
        var commit = await ProfileUploads.PushAsync(_cluster.Client, Alice, content);
        var snapshot = await _cluster.Profile(Alice).GetSnapshot(0);
        Assert.Equal(commit.Snapshot.Number, snapshot.Info.Number);
        Assert.Equal(content.Files["NTUSER.DAT"], (await ProfileUploads.ReadFilesAsync(_cluster.Client, Alice, snapshot.Manifest))["NTUSER.DAT"]);
    }

    public static TheoryData<string> BadTokens => ["none", "another user", "expired", "tampered", "other key", "other audience", "other issuer", "garbage"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_refused_on_every_method_with_a_typed_error_and_changes_nothing(string kind)
    {
        AsCaller(_keys.Issue(@"contoso\bob"));
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 2)));
        var before = await ProfileUploads.PushAsync(_cluster.Client, Bob, content);
        var manifest = (await _cluster.Profile(Bob).GetSnapshot(0)).Manifest;

        AsCaller(kind switch
        {
            "none" => null,
            "another user" => _keys.Issue(@"contoso\alice"),
            "expired" => _keys.Issue(@"contoso\bob", lifetime: TimeSpan.FromMinutes(10), now: _time.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(20)),
            "tampered" => TestKeys.Tamper(_keys.Issue(@"contoso\bob")),
            "other key" => _otherKeys.Issue(@"contoso\bob"),
            "other audience" => _keys.Issue(@"contoso\bob", audience: "another-service"),
            "other issuer" => _keys.Issue(@"contoso\bob", issuer: "someone-else"),
            _ => "not.a.token",
        });
        var changed = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 3)));
        var calls = new Func<Task>[]
        {
            () => _cluster.Profile(Bob).GetStatus(),
            () => _cluster.Profile(Bob).GetHistory(),
            () => _cluster.Profile(Bob).GetSnapshot(0),
            () => _cluster.Profile(Bob).Restore(1, "X"),
            () => _cluster.Profile(Bob).CollectGarbage(),
            () => _cluster.Upload(Bob).BeginUpload(changed.Request(baseSnapshot: 1)),
            () => _cluster.Upload(Bob).PutChunks(changed.Request(baseSnapshot: 1).SessionId, [changed.Payload(changed.DistinctChunks[0])]),
            () => _cluster.Upload(Bob).CommitUpload(changed.Request(baseSnapshot: 1).SessionId),
            () => _cluster.Upload(Bob).AbortUpload(changed.Request(baseSnapshot: 1).SessionId),
            () => _cluster.Reader(Bob).ReadChunks([manifest.Locations[0]]),
        };
        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<NotAuthorizedException>(call);
        }

        AsCaller(_keys.Issue(@"contoso\bob"));
        var status = await _cluster.Profile(Bob).GetStatus();
        Assert.Equal(before.Snapshot.Number, status.Current!.Number);
        Assert.Equal(0, status.OpenSessions);
        Assert.Equal([before.Snapshot.Number], (await _cluster.Profile(Bob).GetHistory()).Select(s => s.Number));
    }

    [Fact]
    public async Task A_token_expires_at_its_time_give_or_take_the_clock_skew()
    {
        var token = _keys.Issue(@"contoso\carol", lifetime: TimeSpan.FromMinutes(5), now: _time.GetUtcNow().UtcDateTime);
        var carol = ProfileKey.Parse(@"contoso\carol");
        AsCaller(token);
        await _cluster.Profile(carol).GetStatus();

        _time.Advance(TimeSpan.FromMinutes(6)); // past expiry, within the 2-minute skew
        await _cluster.Profile(carol).GetStatus();

        _time.Advance(TimeSpan.FromMinutes(2));
        var refused = await Assert.ThrowsAsync<NotAuthorizedException>(() => _cluster.Profile(carol).GetStatus());
        Assert.Contains("expired", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_reaches_any_profiles_history_restore_and_gc_but_not_its_content()
    {
        var dave = ProfileKey.Parse(@"contoso\dave");
        AsCaller(_keys.Issue(@"contoso\dave"));
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 4)));
        await ProfileUploads.PushAsync(_cluster.Client, dave, content);
        var location = (await _cluster.Profile(dave).GetSnapshot(0)).Manifest.Locations[0];

        AsCaller(_keys.Issue(@"contoso\helpdesk", admin: true));
        Assert.Equal(1, (await _cluster.Profile(dave).GetStatus()).Current!.Number);
        Assert.Single(await _cluster.Profile(dave).GetHistory());
        Assert.Equal(2, (await _cluster.Profile(dave).Restore(1, "HELPDESK")).Snapshot.Number);
        Assert.Equal(new GarbageCollectionResult(0, 0, 0), await _cluster.Profile(dave).CollectGarbage());

        await Assert.ThrowsAsync<NotAuthorizedException>(() => _cluster.Profile(dave).GetSnapshot(0));
        await Assert.ThrowsAsync<NotAuthorizedException>(() => _cluster.Reader(dave).ReadChunks([location]));
        await Assert.ThrowsAsync<NotAuthorizedException>(() => _cluster.Upload(dave).BeginUpload(content.Request(baseSnapshot: 2)));

        AsCaller(_keys.Issue(@"contoso\dave"));
        await Assert.ThrowsAsync<NotAuthorizedException>(() => _cluster.Profile(dave).CollectGarbage());
    }

    [Fact]
    public async Task A_method_added_without_a_policy_is_denied_to_everyone()
    {
        var grain = _cluster.Client.GetGrain<IUnpolicedGrain>(@"contoso\erin");
        AsCaller(_keys.Issue(@"contoso\erin", admin: true));
        Assert.Equal(1, await grain.WithPolicy());
        var refused = await Assert.ThrowsAsync<NotAuthorizedException>(grain.WithoutPolicy);
        Assert.Contains("no access policy", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, await grain.WithPolicy());
    }

    [Fact]
    public void Every_method_of_every_profile_contract_has_an_access_policy()
    {
        var contracts = typeof(IProfileGrain).Assembly.GetTypes().Where(t => t.IsInterface && typeof(IProfileContract).IsAssignableFrom(t) && t != typeof(IProfileContract)).ToList();
        Assert.Equal(["IAuditLogGrain", "IChunkReaderGrain", "IProfileDirectoryGrain", "IProfileGrain", "IProfileSubscriptionsGrain", "IProfileUploadGrain"], contracts.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var method in contracts.SelectMany(t => t.GetMethods()))
        {
            Assert.True(method.GetCustomAttribute<ProfileAccessAttribute>()?.Access is { } access && access != ProfileAccess.None, $"{method.DeclaringType!.Name}.{method.Name} has no access policy");
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
