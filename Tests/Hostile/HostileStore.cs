using System.Collections.Immutable;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>
/// One in-process cluster per hostile test class, with authentication on (tokens from
/// <see cref="TestKeys"/>), a manual clock and small limits, so that oversized requests are cheap to
/// build. Before any hostile request it gives a victim profile a known state: snapshot 1 committed,
/// and an open upload session (from <see cref="VictimMachine"/>) with some chunks staged and some
/// missing. After each request <see cref="RunAsync"/> checks that a control profile still answers and
/// that nothing about the victim changed; every <see cref="DeepCheckEvery"/> requests it also reads
/// the victim's snapshot back byte for byte, resumes its session and compares the data folder.
/// </summary>
public abstract class HostileStore : IAsyncLifetime
{
    public const int MaxFiles = 8;
    public const long MaxFileBytes = 1024 * 1024;
    public const int MaxBatchBytes = ProfileChunker.MaxChunkSize;
    public const int MaxReadBytes = ProfileChunker.MaxChunkSize;
    public const int DeepCheckEvery = 50;
    public const string VictimMachine = "WS-VICTIM-2";
    public const string NotesPath = @"AppData\Roaming\notes.txt";
    public const string EmptyPath = @"AppData\Roaming\empty.txt";
    public const string NewPath = @"AppData\Roaming\new.bin";
    public const string HivePath = "NTUSER.DAT";

    /// <summary>How long any call may take before it counts as a hang (the client's own timeout is 30 s).</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);

    public static readonly ProfileKey Victim = ProfileKey.Parse(@"contoso\victim");
    public static readonly ProfileKey Control = ProfileKey.Parse(@"contoso\control");
    public static readonly ProfileKey Attacker = ProfileKey.Parse(@"contoso\mallory");

    private readonly TempDirectory _data = new("hostile");
    private readonly int _maxOpenSessions;
    private readonly long _maxProfileBytes;
    private IReadOnlyList<string> _fingerprint = [];

    protected HostileStore(int maxOpenSessions, long maxProfileBytes)
    {
        _maxOpenSessions = maxOpenSessions;
        _maxProfileBytes = maxProfileBytes;
    }

    public ManualTimeProvider Time { get; } = new();

    public TestKeys Keys { get; } = new();

    public TestKeys OtherKeys { get; } = new(ecdsa: true);

    public ProfileStoreCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public int MaxOpenSessions => _maxOpenSessions;

    public long MaxProfileBytes => _maxProfileBytes;

    public string VictimToken { get; private set; } = "";

    public string ControlToken { get; private set; } = "";

    public string AttackerToken { get; private set; } = "";

    public string AdminToken { get; private set; } = "";

    /// <summary>Tokens that name no caller at all: each must get "not authorised" from every method.</summary>
    public IReadOnlyList<(string Name, object? Token, string Reason)> InvalidTokens { get; private set; } = [];

    /// <summary>Valid tokens of users who do not own the victim's profile (and are not administrators).</summary>
    public IReadOnlyList<(string Name, string Token)> OtherUsers { get; private set; } = [];

    /// <summary>Snapshot 1 of the victim.</summary>
    public UploadContent VictimV1 { get; private set; } = null!;

    /// <summary>The content of the victim's open upload session.</summary>
    public UploadContent VictimV2 { get; private set; } = null!;

    public SnapshotInfo VictimSnapshot { get; private set; } = null!;

    /// <summary>Snapshot 1's manifest, with its locations.</summary>
    public ProfileManifest VictimManifest { get; private set; } = null!;

    /// <summary>The bytes of snapshot 1's pack, as stored.</summary>
    public byte[] VictimPack { get; private set; } = [];

    /// <summary>The begin request of the victim's open session (sending it again resumes it, changing nothing).</summary>
    public BeginUploadRequest VictimOpen { get; private set; } = null!;

    public Guid VictimSession => VictimOpen.SessionId;

    /// <summary>What the open session still lacks, in manifest order.</summary>
    public ImmutableArray<ContentHash> VictimMissing { get; private set; }

    /// <summary>Chunks of the open session already in the store: staged by it, or known from snapshot 1.</summary>
    public IReadOnlySet<ContentHash> VictimPresent { get; private set; } = new HashSet<ContentHash>();

    /// <summary>Every distinct chunk the open session's manifest references, with the length it says.</summary>
    public IReadOnlyDictionary<ContentHash, int> VictimNeeded { get; private set; } = new Dictionary<ContentHash, int>();

    public ProfileStatus VictimStatus { get; private set; } = null!;

    public ImmutableArray<SnapshotInfo> VictimHistory { get; private set; }

    public long VictimStagingLength { get; private set; }

    public ProfileStatus ControlStatus { get; private set; } = null!;

    public ProfileManifest ControlManifest { get; private set; } = null!;

    public ProfileStatus AttackerStatus => new(Attacker.Value, null, 0, 0);

    public async Task InitializeAsync()
    {
        Cluster = await ProfileStoreCluster.StartAsync(
            _data.Path,
            Time,
            o =>
            {
                o.MaxFiles = MaxFiles;
                o.MaxFileBytes = MaxFileBytes;
                o.MaxBatchBytes = MaxBatchBytes;
                o.MaxReadBytes = MaxReadBytes;
                o.MaxOpenSessions = _maxOpenSessions;
                o.MaxProfileBytes = _maxProfileBytes;
            },
            silo => silo.AddProfileAuthentication(o => o.KeyFile = Keys.PublicKeyFile));

        var now = Time.GetUtcNow().UtcDateTime;
        VictimToken = Keys.Issue(@"CONTOSO\Victim");
        ControlToken = Keys.Issue(Control.Value);
        AttackerToken = Keys.Issue(Attacker.Value);
        AdminToken = Keys.Issue(@"contoso\helpdesk", admin: true);
        InvalidTokens =
        [
            ("none", null, "the call carries no token"),
            ("empty", "", "the call carries no token"),
            ("not a string", HostileRequest.NonStringToken, "the call carries no token"),
            ("expired", Keys.Issue(Victim.Value, lifetime: TimeSpan.FromMinutes(10), now: now - TimeSpan.FromHours(2)), "the token has expired or is not valid yet"),
            ("not valid yet", Keys.Issue(Victim.Value, now: now + TimeSpan.FromHours(1)), "the token has expired or is not valid yet"),
            ("another signing key", OtherKeys.Issue(Victim.Value), "the token's signature is not valid"),
            ("another audience", Keys.Issue(Victim.Value, audience: "another-service"), "the token is for another audience"),
            ("another issuer", Keys.Issue(Victim.Value, issuer: "someone-else"), "the token is from another issuer"),
            ("unsigned (alg none)", Unsigned(Victim.Value, now), "the token's signature is not valid"),
            ("garbage", "not.a.token", "the token is not valid"),
        ];
        OtherUsers =
        [
            ("another user", AttackerToken),
            ("the control profile's owner", ControlToken),
            ("the victim as a UPN the silo does not map", Keys.Issue("victim@contoso.com")),
            ("a subject that is no account name", Keys.Issue(@"contoso\victim\x")),
            ("an empty subject", Keys.Issue("")),
        ];

        await SetUpVictimAsync();
        var control = await UploadContent.CreateAsync((@"AppData\Roaming\control.txt", TestData.RandomBytes(5000, seed: 31)));
        await CallAs(ControlToken, g => ProfileUploads.PushAsync(g, Control, control));
        ControlStatus = await CallAs(ControlToken, g => g.GetProfile(Control).GetStatus());
        ControlManifest = (await CallAs(ControlToken, g => g.GetProfile(Control).GetSnapshot(0))).Manifest;
        Assert.Equal(AttackerStatus, await CallAs(AttackerToken, g => g.GetProfile(Attacker).GetStatus()));
        await SetUpAsync();
        _fingerprint = Fingerprint();
    }

    /// <summary>What a derived store sets up before the baseline of the data folder is taken.</summary>
    protected virtual Task SetUpAsync() => Task.CompletedTask;

    /// <summary>Which files of the data folder must never change (relative paths, '/' separators).</summary>
    /// <remarks>
    /// Not the audit record: recording an administrator's refused attempt (restore of a snapshot that does not
    /// exist, say) is its purpose, and it holds nothing a profile's reads depend on.
    /// </remarks>
    protected virtual bool Watched(string relativePath) => !relativePath.StartsWith("grain-state/profiles/audit/", StringComparison.Ordinal);

    private async Task SetUpVictimAsync()
    {
        var hive = TestData.HiveLike(8, seed: 11);
        var notes = TestData.RandomBytes(70_000, seed: 12);
        VictimV1 = await UploadContent.CreateAsync((HivePath, hive), (NotesPath, notes), (EmptyPath, []));
        var commit = await CallAs(VictimToken, g => ProfileUploads.PushAsync(g, Victim, VictimV1));
        Assert.Equal(1, commit.Snapshot.Number);
        VictimSnapshot = commit.Snapshot;
        VictimManifest = (await CallAs(VictimToken, g => g.GetProfile(Victim).GetSnapshot(0))).Manifest;
        VictimPack = await File.ReadAllBytesAsync(Cluster.PackFile(Victim, commit.Snapshot.SessionId));

        // The open session: two hive pages and the first 64 KiB of notes.txt changed, one new file.
        VictimV2 = await UploadContent.CreateAsync(
            (HivePath, TestData.ChangePages(hive, [2, 5], seed: 13)),
            (NotesPath, TestData.ChangePages(notes, [0], seed: 14)),
            (NewPath, TestData.RandomBytes(10_000, seed: 15)),
            (EmptyPath, []));
        VictimOpen = VictimV2.Request(baseSnapshot: 1, machine: VictimMachine);
        var begun = await CallAs(VictimToken, g => g.GetProfileUpload(Victim).BeginUpload(VictimOpen));
        Assert.Equal(4, begun.Missing.Length);
        var file = (string path) => VictimV2.Manifest.Files.Single(f => f.Path == path);
        ImmutableArray<ChunkPayload> staged = [VictimV2.Payload(file(HivePath).Chunks[2]), VictimV2.Payload(file(NewPath).Chunks[0])];
        Assert.Equal(2, await CallAs(VictimToken, g => g.GetProfileUpload(Victim).PutChunks(VictimSession, staged)));
        VictimMissing = (await CallAs(VictimToken, g => g.GetProfileUpload(Victim).BeginUpload(VictimOpen))).Missing;
        Assert.Equal<ContentHash>([file(NotesPath).Chunks[0], file(HivePath).Chunks[5]], VictimMissing);

        var needed = new Dictionary<ContentHash, int>();
        foreach (var f in VictimV2.Manifest.Files)
        {
            for (var i = 0; i < f.Chunks.Length; i++)
            {
                needed.TryAdd(f.Chunks[i], f.ChunkLength(i));
            }
        }

        VictimNeeded = needed;
        VictimPresent = needed.Keys.Where(h => !VictimMissing.Contains(h)).ToHashSet();
        VictimStatus = await CallAs(VictimToken, g => g.GetProfile(Victim).GetStatus());
        Assert.Equal(new ProfileStatus(Victim.Value, VictimSnapshot, 1, 1), VictimStatus);
        VictimHistory = await CallAs(VictimToken, g => g.GetProfile(Victim).GetHistory());
        VictimStagingLength = new FileInfo(Cluster.StagingFile(Victim, VictimSession)).Length;
    }

    /// <summary>A token with a valid payload and no signature at all.</summary>
    private static string Unsigned(string subject, DateTime now) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = ProfileTokens.DefaultIssuer,
        Audience = ProfileTokens.DefaultAudience,
        Subject = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim(ProfileTokens.SubjectClaim, subject)]),
        IssuedAt = now,
        NotBefore = now,
        Expires = now + TimeSpan.FromHours(1),
    });

    /// <summary>Makes one call with <paramref name="token"/> in the request context (null: none), failing a call that hangs.</summary>
    public async Task<T> CallAs<T>(object? token, Func<IGrainFactory, Task<T>> call)
    {
        RequestContext.Clear();
        if (token is not null)
        {
            RequestContext.Set(ProfileTokens.RequestContextKey, token);
        }

        try
        {
            return await call(Grains).WaitAsync(CallTimeout);
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    public async Task<Outcome> SendAsync(HostileRequest request)
    {
        try
        {
            return new Outcome(await CallAs(request.Token, request.Send), null);
        }
        catch (Exception ex)
        {
            return new Outcome(null, ex);
        }
    }

    /// <summary>Sends one request, checks what it got, then that the store still serves and the victim is unchanged.</summary>
    public async Task RunAsync(HostileRequest request, HostileLedger ledger)
    {
        ledger.Count(request.Kind);
        var outcome = await SendAsync(request);
        request.Expect.Verify(outcome);
        await AssertServingAndUnchangedAsync(deep: ledger.Total % DeepCheckEvery == 0);
    }

    public async Task AssertServingAndUnchangedAsync(bool deep)
    {
        Assert.Equal(ControlStatus, await CallAs(ControlToken, g => g.GetProfile(Control).GetStatus()));
        Assert.Equal(VictimStatus, await CallAs(VictimToken, g => g.GetProfile(Victim).GetStatus()));
        Assert.Equal<SnapshotInfo>(VictimHistory, await CallAs(VictimToken, g => g.GetProfile(Victim).GetHistory()));
        Assert.Equal(VictimStagingLength, new FileInfo(Cluster.StagingFile(Victim, VictimSession)).Length);
        if (deep)
        {
            var snapshot = await CallAs(VictimToken, g => g.GetProfile(Victim).GetSnapshot(0));
            Assert.Equal(VictimSnapshot, snapshot.Info);
            ManifestAssert.Equal(VictimManifest, snapshot.Manifest);
            var files = await CallAs(VictimToken, g => ProfileUploads.ReadFilesAsync(g, Victim, snapshot.Manifest));
            Assert.Equal(VictimV1.Files.Count, files.Count);
            foreach (var (path, bytes) in VictimV1.Files)
            {
                Assert.True(bytes.AsSpan().SequenceEqual(files[path]), $"{path} of the victim's snapshot no longer reads back as it was pushed");
            }

            var resumed = await CallAs(VictimToken, g => g.GetProfileUpload(Victim).BeginUpload(VictimOpen));
            Assert.Equal<ContentHash>(VictimMissing, resumed.Missing);
            Assert.Equal(0, resumed.CommittedSnapshot);
            Assert.Equal<string>(_fingerprint, Fingerprint());
        }
    }

    /// <summary>Every watched file of the data folder with its length and last write time.</summary>
    private List<string> Fingerprint()
        => [.. Directory.EnumerateFiles(_data.Path, "*", SearchOption.AllDirectories)
            .Select(f => (Path: Path.GetRelativePath(_data.Path, f).Replace(Path.DirectorySeparatorChar, '/'), Info: new FileInfo(f)))
            .Where(f => Watched(f.Path))
            .Select(f => $"{f.Path} {f.Info.Length} {f.Info.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal)];

    public async Task DisposeAsync()
    {
        RequestContext.Clear();
        await Cluster.DisposeAsync();
        _data.Dispose();
        Keys.Dispose();
        OtherKeys.Dispose();
    }
}

/// <summary>The store of <see cref="HostileInputTests"/>: single hostile requests against the victim.</summary>
public sealed class HostileInputStore() : HostileStore(maxOpenSessions: 3, maxProfileBytes: 2 * 1024 * 1024);
