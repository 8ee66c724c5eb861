using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>How a campaign runs.</summary>
public sealed record CampaignOptions
{
    public required int Seed { get; init; }

    /// <summary>Steps to run; each injects one fault.</summary>
    public required int Injections { get; init; }

    public int Users { get; init; } = 3;

    public CampaignStorage Storage { get; init; } = CampaignStorage.Local;

    /// <summary>
    /// When set, the silo keeps only this many newest snapshots (and no age window), so garbage
    /// collection runs during the campaign and older snapshots may leave history. Null: the silo's
    /// defaults, under which every snapshot of a campaign is retained.
    /// </summary>
    public int? RetainSnapshots { get; init; }

    /// <summary>Receives one line per step (and the set-up and final checks).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Where to write the summary (markdown) when the campaign ends, with or without a violation.</summary>
    public string? SummaryPath { get; init; }
}

/// <summary>
/// Randomised fault injection against real processes: one silo (local storage over a data folder)
/// behind a <see cref="FaultProxy"/>, and real agents pushing and pulling the profiles of a few users
/// from a few workstations. Each step picks an operation and a fault (a cut or stalled connection, a
/// killed agent, a killed or restarted silo) from a <see cref="Random"/> seeded by the campaign's
/// seed, then checks the invariants against an oracle of what the agents were acknowledged:
/// <list type="bullet">
/// <item>(a) every successful pull returns exactly the bytes of one committed snapshot: an
/// acknowledged one, or one committed without the acknowledgement reaching its agent (in history,
/// with the bytes of a version that user's agents tried to push);</item>
/// <item>(b) every acknowledged snapshot stays in history with its manifest hash (inside the
/// retention window), and pulls back byte for byte with <c>pull --snapshot N</c> (checked by pull
/// steps and, for every snapshot in history, at the end);</item>
/// <item>(c) an interrupted pull leaves the folder exactly as it was (temporary files aside);</item>
/// <item>(d) <c>status</c> and <c>history</c> work after every step, and agree.</item>
/// </list>
/// A violation stops the campaign with a message naming the seed, the step and its scenario:
/// <c>Campaign.Run(seed, step)</c> replays the same choices up to it.
/// </summary>
public sealed partial class Campaign : IAsyncDisposable
{
    private const int Workstations = 2;
    private const string Hive = "NTUSER.DAT";
    private const string SecondHive = @"AppData\Local\Microsoft\Windows\UsrClass.dat";
    private const int FaultTimeoutSeconds = 2;
    private const int DefaultRetries = 4;
    private const int KilledExitCode = 128 + 9;

    private static readonly string[] SmallFiles =
    [
        @"AppData\Roaming\Contoso\settings.ini",
        @"AppData\Roaming\Microsoft\Signatures\work.htm",
        @"AppData\Roaming\Microsoft\Windows\Themes\slideshow.ini",
    ];

    private readonly CampaignOptions _options;
    private readonly CampaignSummary _summary;
    private readonly TempDirectory _root = new("campaign");
    private readonly List<UserModel> _users = [];
    private readonly List<string> _recent = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ProxiedSilo? _store;
    private AzuriteProcess? _azurite;
    private int _storageRestarts;
    private AgentRunner _checker = null!;
    private Calibration _calibration = null!;
    private int _freshFolders;

    private Campaign(CampaignOptions options)
    {
        _options = options;
        _summary = new CampaignSummary(options.Seed, options.Injections, options.Storage);
    }

    private ProxiedSilo Store => _store ?? throw new InvalidOperationException("The silo has not started.");

    /// <summary>Silo starts and Azurite restarts so far: when it moves, every user's history is checked.</summary>
    private int Restarts => Store.Starts + _storageRestarts;

    /// <summary>Runs (or replays) the campaign of <paramref name="seed"/> for <paramref name="injections"/> steps.</summary>
    public static Task<CampaignSummary> Run(int seed, int injections) => RunAsync(new CampaignOptions { Seed = seed, Injections = injections });

    /// <summary>Runs a campaign; throws <see cref="CampaignViolationException"/> at the first violated invariant.</summary>
    public static async Task<CampaignSummary> RunAsync(CampaignOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.Injections);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Users, 1);
        await using var campaign = new Campaign(options);
        try
        {
            await campaign.RunCoreAsync();
        }
        finally
        {
            campaign._summary.Duration = campaign._clock.Elapsed;
            campaign._summary.SiloStarts = campaign._store?.Starts ?? 0;
            if (options.SummaryPath is { } path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(path, campaign._summary.ToMarkdown());
            }
        }

        return campaign._summary;
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        _root.Dispose();
    }

    private async Task RunCoreAsync()
    {
        // Every choice comes from the seed: first the users' data, then one seed per step, drawn up front
        // so a step's choices do not depend on how earlier steps ended.
        var master = new Random(_options.Seed);
        var userSeeds = Enumerable.Range(0, _options.Users).Select(_ => master.Next()).ToArray();
        var stepSeeds = Enumerable.Range(0, _options.Injections).Select(_ => master.Next()).ToArray();

        string[] siloArgs = _options.RetainSnapshots is { } retain ? [$"--Store:RetainSnapshots={retain}", "--Store:RetainFor=00:00:00"] : [];
        if (_options.Storage == CampaignStorage.Azure)
        {
            // Stable ports: a storage restart brings Azurite back on the same ones, under the running silo.
            _azurite = await AzuriteProcess.StartAsync(_root.Combine("azurite"), ProxiedSilo.StablePort(), ProxiedSilo.StablePort(), ProxiedSilo.StablePort());
            siloArgs = [.. siloArgs, "--storage", "azure", "--azure-connection-string", _azurite.ConnectionString];
        }

        _store = await ProxiedSilo.StartAsync(_root.Combine("silo-data"), siloArgs);
        _checker = new AgentRunner(_root.Combine("checker-state"), Store.Gateway);
        Say($"campaign seed {_options.Seed}, {_options.Injections} injection(s), {_options.Users} user(s), {_options.Storage} storage; silo behind {Store.Proxy.Endpoint}{(_options.RetainSnapshots is { } kept ? $", {kept} snapshot(s) retained" : "")}");
        await SetUpAsync(userSeeds);

        for (var step = 1; step <= _options.Injections; step++)
        {
            var plan = Plan(step, new Random(stepSeeds[step - 1]));
            await RunStepAsync(plan);
            _summary.Steps = step;
        }

        await FinalCheckAsync();
        Say($"done: {_summary.Steps} injection(s) in {_clock.Elapsed.TotalSeconds:0} s, no violation");
    }

    // ---------------------------------------------------------------- set-up

    private async Task SetUpAsync(int[] userSeeds)
    {
        var pushes = new List<(long Up, long Down, long Sent)>();
        var pulls = new List<(long Up, long Down, long Fetched)>();
        for (var u = 0; u < _options.Users; u++)
        {
            var user = new UserModel(u, $"contoso\\user{u}");
            for (var w = 0; w < Workstations; w++)
            {
                var folder = _root.Combine($"user{u}", $"ws{w}", "profile");
                Directory.CreateDirectory(folder);
                user.Workstations.Add(new WorkstationModel(w, $"WS{u}{w}", folder, new AgentRunner(_root.Combine($"user{u}", $"ws{w}", "state"), Store.Gateway)));
            }

            _users.Add(user);
            var random = new Random(userSeeds[u]);
            var files = new Dictionary<string, byte[]>
            {
                [Hive] = TestData.HiveLike(random.Next(100, 161), random.Next()),
                [SecondHive] = TestData.HiveLike(random.Next(2, 9), random.Next()),
            };
            foreach (var small in SmallFiles)
            {
                files[small] = TestData.RandomBytes(random.Next(100, 70_000), random.Next());
            }

            // A clean first push from ws0 and pull into ws1: the store has every user, and the byte counts
            // of clean transfers calibrate where byte-offset faults land.
            var ws0 = user.Workstations[0];
            var ws1 = user.Workstations[1];
            ws0.Content = new ProfileContent(files);
            ws0.Content.WriteTo(ws0.Folder);
            user.Attempted(ws0.Content);
            var (up, down) = (Store.Proxy.BytesToServer, Store.Proxy.BytesToClient);
            var push = await SetUpAgentAsync(ws0.Agent, "push", "--user", user.Account, "--path", ws0.Folder, "--machine", ws0.Machine);
            pushes.Add((Store.Proxy.BytesToServer - up, Store.Proxy.BytesToClient - down, push.GetProperty("bytesSent").GetInt64()));
            var snapshot = push.GetProperty("snapshot");
            Acknowledge(user, snapshot.GetProperty("number").GetInt32(), ws0.Content, snapshot.GetProperty("manifestHash").GetString(), step: 0);
            ws0.Synced = ws0.Content;

            (up, down) = (Store.Proxy.BytesToServer, Store.Proxy.BytesToClient);
            var pull = await SetUpAgentAsync(ws1.Agent, "pull", "--user", user.Account, "--path", ws1.Folder);
            pulls.Add((Store.Proxy.BytesToServer - up, Store.Proxy.BytesToClient - down, pull.GetProperty("bytesFetched").GetInt64()));
            ws1.Content = ws1.Synced = ProfileContent.Read(ws1.Folder);
            if (ws1.Content.Fingerprint != ws0.Content.Fingerprint)
            {
                throw new InvalidOperationException($"Set-up: {user.Account}'s first pull differs from its first push:\n{ws0.Content.DescribeDifference(ws1.Content)}");
            }

            Say($"set-up: {user.Account} snapshot 1 is {ws0.Content}");
        }

        _calibration = new Calibration(
            PushOverheadUp: (long)pushes.Average(p => p.Up - p.Sent),
            PushDown: (long)pushes.Average(p => p.Down),
            PullUp: (long)pulls.Average(p => p.Up),
            PullOverheadDown: (long)pulls.Average(p => p.Down - p.Fetched));
        Say($"set-up: {_calibration}");
    }

    private async Task<JsonElement> SetUpAgentAsync(AgentRunner agent, params string[] args)
    {
        _summary.AgentRuns++;
        var result = await agent.RunAsync(args);
        return result.ExitCode == ExitCodes.Success
            ? result.Json
            : throw new InvalidOperationException($"Set-up (no fault injected yet): profiles-agent {string.Join(' ', args)} failed: {result}");
    }

    // ---------------------------------------------------------------- planning

    private StepPlan Plan(int step, Random random)
    {
        var u = random.Next(_users.Count);
        var user = _users[u];
        var roll = random.NextDouble();
        var operation = roll switch
        {
            < 0.45 => CampaignOperation.Push,
            < 0.70 => CampaignOperation.PullIntoWorkstation,
            < 0.85 => CampaignOperation.PullIntoFreshFolder,
            _ => CampaignOperation.PullSnapshot,
        };
        var w = random.Next(Workstations);
        var ws = user.Workstations[w];
        string? note = null;
        if (operation == CampaignOperation.PullIntoWorkstation && ws.Dirty)
        {
            operation = CampaignOperation.Push;
            note = $"ws{w} has changes its last push did not get acknowledged: it pushes again";
        }
        else if (operation == CampaignOperation.Push && ws.Content.IsEmpty)
        {
            operation = CampaignOperation.PullIntoWorkstation;
            note = $"ws{w} has no profile yet: it pulls";
        }

        var snapshot = 0;
        if (operation == CampaignOperation.PullSnapshot)
        {
            // With a retention window, only snapshots still inside it (as far as the campaign has seen).
            var acknowledged = user.Acknowledged.Select(k => k.Number).Where(n => n > user.NewestSeen - (_options.RetainSnapshots ?? int.MaxValue)).ToList();
            snapshot = acknowledged[random.Next(acknowledged.Count)];
        }

        ChangePlan? change = null;
        if (operation == CampaignOperation.Push)
        {
            var pages = ws.Content.Files[Hive].Length / TestData.PageSize;
            var count = random.NextDouble() < 0.1 ? random.Next(10, 40) : random.Next(1, 9);
            var notes = ws.Content.Files.Keys.Where(p => p.StartsWith(@"AppData\Roaming\Notes\", StringComparison.Ordinal)).ToList();
            change = new ChangePlan(
                HivePages: [.. Enumerable.Range(0, pages).OrderBy(_ => random.Next()).Take(count).Order()],
                SecondHive: random.NextDouble() < 0.3,
                RewrittenFile: random.NextDouble() < 0.5 ? SmallFiles[random.Next(SmallFiles.Length)] : null,
                AddedFile: random.NextDouble() < 0.1 ? $@"AppData\Roaming\Notes\note{step}.txt" : null,
                DeletedFile: random.NextDouble() < 0.05 && notes.Count > 0 ? notes[random.Next(notes.Count)] : null,
                Seed: random.Next());
        }

        var (up, down, payload) = Expected(user, operation, ws, snapshot, change);
        return new StepPlan(step, u, operation, w, snapshot, change, PlanFault(random, operation, up, down, payload), note);
    }

    /// <summary>Bytes the operation should move each way without a fault, and the chunk bytes among them.</summary>
    private (long Up, long Down, long Payload) Expected(UserModel user, CampaignOperation operation, WorkstationModel ws, int snapshot, ChangePlan? change)
    {
        var c = _calibration;
        switch (operation)
        {
            case CampaignOperation.Push:
                var payload = EstimateFetch(ws.Content, ApplyChange(ws.Content, change!));
                return (c.PushOverheadUp + payload, c.PushDown, payload);
            case CampaignOperation.PullIntoWorkstation:
                var fetch = EstimateFetch(ws.Content, user.Latest!);
                return (c.PullUp, c.PullOverheadDown + fetch, fetch);
            case CampaignOperation.PullIntoFreshFolder:
                return (c.PullUp, c.PullOverheadDown + user.Latest!.Bytes, user.Latest!.Bytes);
            default:
                var bytes = user.Known[snapshot].Content.Bytes;
                return (c.PullUp, c.PullOverheadDown + bytes, bytes);
        }
    }

    private static long EstimateFetch(ProfileContent from, ProfileContent to)
    {
        long total = 0;
        foreach (var (path, bytes) in to.Files)
        {
            if (!from.Files.TryGetValue(path, out var old))
            {
                total += bytes.Length;
            }
            else if (!old.AsSpan().SequenceEqual(bytes))
            {
                total += bytes.AsSpan().StartsWith("regf"u8)
                    ? Enumerable.Range(0, (bytes.Length + TestData.PageSize - 1) / TestData.PageSize)
                        .Count(p => !Page(bytes, p).SequenceEqual(Page(old, p))) * (long)TestData.PageSize
                    : bytes.Length;
            }
        }

        return total;

        static ReadOnlySpan<byte> Page(byte[] data, int page)
            => page * TestData.PageSize >= data.Length ? [] : data.AsSpan(page * TestData.PageSize, Math.Min(TestData.PageSize, data.Length - (page * TestData.PageSize)));
    }

    private static FaultPlan PlanFault(Random random, CampaignOperation operation, long up, long down, long payload)
    {
        var push = operation == CampaignOperation.Push;
        var roll = random.NextDouble();
        var kind = roll switch
        {
            < 0.25 => FaultKind.ConnectionCut,
            < 0.35 => FaultKind.ConnectionCutAndRefuse,
            < 0.45 => FaultKind.ConnectionStall,
            < 0.75 => FaultKind.AgentKill,
            < 0.92 => FaultKind.SiloKill,
            _ => FaultKind.StorageRestart,
        };

        // Most faults hit the direction that carries the payload.
        var direction = random.NextDouble() < 0.75
            ? (push ? ProxyDirection.ToServer : ProxyDirection.ToClient)
            : (push ? ProxyDirection.ToClient : ProxyDirection.ToServer);
        var offset = (long)(random.NextDouble() * (direction == ProxyDirection.ToServer ? up : down));
        var trigger = FaultTrigger.ProxyBytes;
        TimeSpan? duration = null;
        long bwlimit = 0;
        var retries = DefaultRetries;
        switch (kind)
        {
            case FaultKind.ConnectionCutAndRefuse:
                if (random.NextDouble() < 0.3)
                {
                    // Refused for longer than the agent retries: it must give up with exit code 4.
                    retries = 2;
                }
                else
                {
                    duration = TimeSpan.FromSeconds(new[] { 0.3, 1, 2.5 }[random.Next(3)]);
                }

                break;
            case FaultKind.ConnectionStall:
                // Shorter than the agent's 2 s answer timeout, or longer.
                duration = TimeSpan.FromSeconds(new[] { 0.5, 1, 2.5 }[random.Next(3)]);
                break;
            case FaultKind.AgentKill:
                if (!push && random.NextDouble() < 0.25)
                {
                    // Between two renames of verified files (or just after the last): what the pull's journal is for.
                    trigger = FaultTrigger.PullJournal;
                }
                else if (random.NextDouble() < 0.5)
                {
                    trigger = FaultTrigger.FirstProgressLine;
                    if (random.NextDouble() < 0.6)
                    {
                        // Slow enough that the kill lands while the transfer (or the wait before its commit or rename) is still going.
                        // At least 128 KiB/s: a pull or push larger than estimated still ends within seconds.
                        bwlimit = Math.Max(128, payload / 1024 * 1000 / random.Next(500, 1500));
                    }
                }

                break;
            case FaultKind.SiloKill:
                var where = random.NextDouble();
                if (push && where < 0.2)
                {
                    trigger = FaultTrigger.LastBatch;
                    direction = ProxyDirection.ToServer;
                    offset = Math.Max(0, up - random.Next(0, 2048));
                }
                else if (push && where < 0.4)
                {
                    trigger = FaultTrigger.SessionBegun;
                }
                else if (push && where < 0.6)
                {
                    trigger = FaultTrigger.CommitLogged;
                }
                else if (!push && where < 0.4)
                {
                    trigger = FaultTrigger.FirstProgressLine;
                }

                break;
            case FaultKind.StorageRestart:
                if (random.NextDouble() < 0.4)
                {
                    trigger = FaultTrigger.FirstProgressLine;
                }

                break;
        }

        return new FaultPlan(kind, trigger, direction, offset, duration, bwlimit, retries);
    }

    // ---------------------------------------------------------------- one step

    private async Task RunStepAsync(StepPlan plan)
    {
        var started = _clock.Elapsed;
        var user = _users[plan.User];
        var ws = user.Workstations[plan.Workstation];
        var scenario = plan.Describe(user.Account);
        SummaryCount(plan);
        var restartsBefore = Restarts;

        string folder;
        ProfileContent before;
        AgentRunner agent;
        string[] args;
        switch (plan.Operation)
        {
            case CampaignOperation.Push:
                ws.Content = ApplyChange(ws.Content, plan.Change!);
                ws.Content.WriteTo(ws.Folder);
                user.Attempted(ws.Content);
                (folder, before, agent) = (ws.Folder, ws.Content, ws.Agent);
                args = ["push", "--user", user.Account, "--path", ws.Folder, "--machine", ws.Machine];
                break;
            case CampaignOperation.PullIntoWorkstation:
                (folder, before, agent) = (ws.Folder, ProfileContent.Read(ws.Folder), ws.Agent);
                if (before.Fingerprint != ws.Content.Fingerprint)
                {
                    throw new InvalidOperationException($"Harness: ws{ws.Index} of {user.Account} does not hold what the campaign wrote:\n{ws.Content.DescribeDifference(before)}");
                }

                args = ["pull", "--user", user.Account, "--path", ws.Folder];
                break;
            default:
                folder = _root.Combine("fresh", $"{++_freshFolders}");
                Directory.CreateDirectory(folder);
                (before, agent) = (ProfileContent.Empty, _checker);
                args = plan.Operation == CampaignOperation.PullSnapshot
                    ? ["pull", "--user", user.Account, "--path", folder, "--snapshot", $"{plan.Snapshot}"]
                    : ["pull", "--user", user.Account, "--path", folder];
                break;
        }

        var run = await RunWithFaultAsync(agent, args, plan, user);
        var ran = _clock.Elapsed - started;
        var outcome = plan.Operation == CampaignOperation.Push ? "push" : "pull";
        var exit = run.ExitCode == KilledExitCode ? "killed" : $"exit {run.ExitCode}";
        CampaignSummary.Increment(_summary.Outcomes, $"{outcome} {exit}");
        if (run.Landed)
        {
            CampaignSummary.Increment(_summary.LandedByKind, plan.Fault.Kind.ToString());
        }

        var step = new StepContext(plan, plan.Number, user, scenario, run);
        var result = "";
        // With a retention window, a commit by another user's step cannot drop this user's snapshot, but
        // a commit that was not acknowledged to this user may have: exit 2 is checked against history below.
        var retentionDropped = run.ExitCode == ExitCodes.BadInput && plan.Operation == CampaignOperation.PullSnapshot && _options.RetainSnapshots is not null;
        if (run.ExitCode is not (ExitCodes.Success or ExitCodes.StoreUnavailable or KilledExitCode) && !retentionDropped)
        {
            Violation(step, "the agent must succeed, report the store unavailable (exit 4) or be the one killed", $"it exited {run.ExitCode}");
        }

        int? pulledCurrent = null;
        if (plan.Operation == CampaignOperation.Push)
        {
            result = run.ExitCode == ExitCodes.Success ? CheckPushAcknowledged(step, ws) : "not acknowledged";
        }
        else
        {
            var actual = ProfileContent.Read(folder);
            if (run.ExitCode == ExitCodes.Success)
            {
                var number = run.Json!.Value.GetProperty("snapshot").GetProperty("number").GetInt32();
                var hash = run.Json.Value.GetProperty("snapshot").GetProperty("manifestHash").GetString();
                if (plan.Operation == CampaignOperation.PullSnapshot && number != plan.Snapshot)
                {
                    Violation(step, "(b) pull --snapshot N returns snapshot N", $"it returned snapshot {number}");
                }

                result = CheckPulled(step, number, hash, actual);
                if (plan.Operation != CampaignOperation.PullSnapshot)
                {
                    pulledCurrent = number;
                }

                if (plan.Operation == CampaignOperation.PullIntoWorkstation)
                {
                    ws.Content = ws.Synced = actual;
                }
            }
            else
            {
                result = await CheckInterruptedPullAsync(step, folder, before, ws);
            }

            if (plan.Operation is CampaignOperation.PullIntoFreshFolder or CampaignOperation.PullSnapshot)
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        // (d) and (b) after every step: status and history of this user, and of every user after a silo restart.
        var restarted = Restarts != restartsBefore;
        await CheckStoreAsync(step, restarted ? _users : [user], pulledCurrent);
        if (retentionDropped)
        {
            var newest = user.SeenInHistory.Keys.Max();
            if (plan.Snapshot > newest - _options.RetainSnapshots!.Value)
            {
                Violation(step, "(b) a snapshot inside the retention window pulls back", $"pull --snapshot {plan.Snapshot} exited 2 though the newest snapshot is {newest} and {_options.RetainSnapshots} are retained: {run.Result}");
            }

            result = $"snapshot {plan.Snapshot} left the retention window (newest {newest})";
        }

        var line = $"step {plan.Number}/{_options.Injections} [{ran.TotalSeconds:0.0} + {(_clock.Elapsed - started - ran).TotalSeconds:0.0} s]: {scenario} -> {exit}"
                   + $"{(run.Landed ? ", fault landed" : ", fault missed (the agent finished first)")}{(run.FaultNote is null ? "" : $", {run.FaultNote}")}; {result}";
        _recent.Add(line);
        if (_recent.Count > 12)
        {
            _recent.RemoveAt(0);
        }

        Say(line);
    }

    /// <summary>
    /// (c): whatever stopped a pull, no file under a real name is partial or foreign: each holds its previous
    /// bytes or its bytes in a pushed version, and the folder is exactly as before, or holds the whole
    /// pulled version. An interruption while the verified files are being renamed into place may leave a
    /// mix of old and new files (each complete); the pull's journal must then make the workstation's next
    /// run finish it: that pull completes without a conflict, the user having changed nothing.
    /// </summary>
    private async Task<string> CheckInterruptedPullAsync(StepContext step, string folder, ProfileContent before, WorkstationModel ws)
    {
        var actual = ProfileContent.Read(folder);
        var temporaries = ProfileContent.Temporaries(folder);
        if (actual.Fingerprint == before.Fingerprint)
        {
            return $"pull interrupted, folder exactly as before ({temporaries.Count} temporary file(s) left)";
        }

        var foreign = actual.Files.Where(f => !(before.Files.TryGetValue(f.Key, out var old) && old.AsSpan().SequenceEqual(f.Value)) && !step.User.WasAttempted(f.Key, f.Value)).ToList();
        var removed = before.Files.Keys.Where(p => !actual.Files.ContainsKey(p)).ToList();
        var difference = $"the folder changed:\n{before.DescribeDifference(actual)}\nleftover temporary files: {string.Join(", ", temporaries)}";
        if (foreign.Count > 0)
        {
            Violation(step, "(c) an interrupted pull leaves no partial file under a real name", $"{string.Join(", ", foreign.Select(f => f.Key))} hold bytes no pushed version had; {difference}");
        }

        // Killed after the last rename (before saving its record or exiting): the folder holds a whole version.
        var whole = step.User.WasAttempted(actual) || step.User.Known.Values.Any(k => k.Content.Fingerprint == actual.Fingerprint);
        string what;
        if (whole)
        {
            what = $"pull interrupted after its last rename: the folder holds the whole of version {actual.Id}";
            if (step.Plan?.Operation != CampaignOperation.PullIntoWorkstation)
            {
                return what;
            }
        }
        else
        {
            var replaced = actual.Files.Keys.Where(p => !(before.Files.TryGetValue(p, out var old) && old.AsSpan().SequenceEqual(actual.Files[p]))).ToList();
            what = $"pull interrupted while renaming: the folder was a mix of old and new files (each complete): {string.Join(", ", replaced)} replaced"
                   + (removed.Count > 0 ? $", {string.Join(", ", removed)} deleted" : "") + $", {temporaries.Count} file(s) still temporary";
            _summary.MixedPulls++;
        }

        // The workstation's next logon: a plain pull into the same folder must finish the interrupted one.
        _summary.AgentRuns++;
        var retry = await ws.Agent.RunAsync("pull", "--user", step.User.Account, "--path", folder);
        if (retry.ExitCode != ExitCodes.Success)
        {
            Violation(step, "(c) the next pull finishes an interrupted one, without a conflict", $"{difference}\nthe next pull: {retry}");
        }

        var repaired = ProfileContent.Read(folder);
        var snapshot = retry.Json.GetProperty("snapshot");
        var check = CheckPulled(step, snapshot.GetProperty("number").GetInt32(), snapshot.GetProperty("manifestHash").GetString(), repaired);
        if (step.Plan?.Operation == CampaignOperation.PullIntoWorkstation)
        {
            ws.Content = ws.Synced = repaired;
        }

        if (!whole)
        {
            _summary.Notes.Add($"step {step.Number}: {what}; the next pull finished it: {check}");
        }

        return $"{what}; the next pull: {check}";
    }

    private string CheckPushAcknowledged(StepContext step, WorkstationModel ws)
    {
        var json = step.Run!.Json!.Value;
        var snapshot = json.GetProperty("snapshot");
        var number = snapshot.GetProperty("number").GetInt32();
        var unchanged = json.GetProperty("unchanged").GetBoolean();
        var already = json.GetProperty("alreadyCommitted").GetBoolean();
        if (!unchanged && !already && number <= step.User.NewestSeen)
        {
            Violation(step, "a new commit gets a new snapshot number", $"snapshot {number} was acknowledged as new, but snapshot {step.User.NewestSeen} had already been seen");
        }

        if (snapshot.GetProperty("isConflict").GetBoolean() && !unchanged && !already)
        {
            _summary.Conflicts++;
        }

        if (already)
        {
            _summary.AlreadyCommitted++;
        }

        Acknowledge(step.User, number, ws.Content, snapshot.GetProperty("manifestHash").GetString(), step.Number, step);
        ws.Synced = ws.Content;
        return $"snapshot {number} acknowledged{(unchanged ? " (unchanged)" : "")}{(already ? " (already committed)" : "")}{(snapshot.GetProperty("isConflict").GetBoolean() ? $" (conflict: replaced {snapshot.GetProperty("replaced").GetInt32()})" : "")}";
    }

    private void Acknowledge(UserModel user, int number, ProfileContent content, string? manifestHash, int step, StepContext? context = null)
    {
        if (user.Known.TryGetValue(number, out var known) && known.Content.Fingerprint != content.Fingerprint)
        {
            Violation(context, "(a) one snapshot number holds one content",
                $"snapshot {number} was acknowledged for content {content} but is known (step {known.Step}) as {known.Content}:\n{known.Content.DescribeDifference(content)}");
        }

        if (known is { Acknowledged: false })
        {
            _summary.CommittedUnacknowledged--;
        }

        if (known is not { Acknowledged: true })
        {
            _summary.Acknowledged++;
        }

        user.Known[number] = new KnownSnapshot(number, content, manifestHash, Acknowledged: true, known?.Step ?? step);
        user.NewestSeen = Math.Max(user.NewestSeen, number);
    }

    /// <summary>(a): a successful pull wrote exactly the bytes of a committed snapshot.</summary>
    private string CheckPulled(StepContext step, int number, string? manifestHash, ProfileContent actual)
    {
        var user = step.User;
        if (user.Known.TryGetValue(number, out var known))
        {
            if (known.Content.Fingerprint != actual.Fingerprint)
            {
                Violation(step, "(a)/(b) a pull returns exactly the bytes of the snapshot it names",
                    $"snapshot {number} ({(known.Acknowledged ? "acknowledged" : "committed")} at step {known.Step}) should be {known.Content}; the pull wrote {actual}:\n{known.Content.DescribeDifference(actual)}");
            }

            if (known.ManifestHash is { } expected && manifestHash != expected)
            {
                Violation(step, "(b) a snapshot keeps its manifest", $"snapshot {number} had manifest hash {expected}, the pull says {manifestHash}");
            }

            return $"pulled snapshot {number} ({actual.Id}), byte for byte";
        }

        if (!user.WasAttempted(actual))
        {
            Violation(step, "(a) a pull returns the bytes of a committed snapshot",
                $"snapshot {number} holds {actual}, which no agent of {user.Account} ever pushed (newest known snapshot: {(user.Latest is { } latest ? latest.DescribeDifference(actual) : "none")})");
        }

        // Committed without its agent seeing the acknowledgement (a cut or a kill after the commit).
        user.Known[number] = new KnownSnapshot(number, actual, manifestHash, Acknowledged: false, step.Number);
        user.NewestSeen = Math.Max(user.NewestSeen, number);
        _summary.CommittedUnacknowledged++;
        return $"pulled snapshot {number} ({actual.Id}): committed but never acknowledged, content of a pushed version";
    }

    private static ProfileContent ApplyChange(ProfileContent content, ChangePlan change)
    {
        var random = new Random(change.Seed);
        var changed = content.With(Hive, TestData.ChangePages(content.Files[Hive], change.HivePages, random.Next()));
        if (change.SecondHive)
        {
            var hive = changed.Files[SecondHive];
            changed = changed.With(SecondHive, TestData.ChangePages(hive, [random.Next(hive.Length / TestData.PageSize)], random.Next()));
        }

        if (change.RewrittenFile is { } rewritten)
        {
            changed = changed.With(rewritten, TestData.RandomBytes(random.Next(100, 70_000), random.Next()));
        }

        if (change.AddedFile is { } added)
        {
            changed = changed.With(added, TestData.RandomBytes(random.Next(10, 4_000), random.Next()));
        }

        if (change.DeletedFile is { } deleted)
        {
            changed = changed.Without(deleted);
        }

        return changed;
    }

    // ---------------------------------------------------------------- running an agent under a fault

    private async Task<AgentRun> RunWithFaultAsync(AgentRunner runner, string[] args, StepPlan plan, UserModel user)
    {
        var fault = plan.Fault;
        string[] full = [.. args, "--timeout", $"{FaultTimeoutSeconds}", "--retries", $"{fault.Retries}", .. fault.BandwidthLimitKiB > 0 ? new[] { "--bwlimit", $"{fault.BandwidthLimitKiB}" } : []];
        var proxy = Store.Proxy;
        using var stepEnd = new CancellationTokenSource();
        Task trigger;
        switch (fault.Trigger)
        {
            case FaultTrigger.ProxyBytes or FaultTrigger.LastBatch when fault.UsesProxyBreakpoint:
                trigger = proxy.ArmAsync(fault.Direction, fault.Offset, fault.Kind switch
                {
                    FaultKind.ConnectionCut => ProxyFault.Cut,
                    FaultKind.ConnectionCutAndRefuse => ProxyFault.CutAndRefuse,
                    _ => ProxyFault.Stall,
                }, fault.For);
                break;
            case FaultTrigger.ProxyBytes or FaultTrigger.LastBatch:
                trigger = proxy.WhenForwardedAsync(fault.Direction, proxy.Forwarded(fault.Direction) + fault.Offset, stepEnd.Token);
                break;
            case FaultTrigger.SessionBegun:
                trigger = NewSiloLine(l => l.Contains($"Profile {user.Account}: upload session", StringComparison.Ordinal) && (l.Contains(" begun ", StringComparison.Ordinal) || l.Contains(" resumed", StringComparison.Ordinal)), "the upload session's line");
                break;
            case FaultTrigger.CommitLogged:
                var newest = user.NewestSeen;
                trigger = NewSiloLine(l => l.Contains($"Profile {user.Account}: snapshot", StringComparison.Ordinal) && CommittedNumber(l) > newest, "the commit's line");
                break;
            case FaultTrigger.PullJournal:
                trigger = FileAppearsAsync(runner.StateDirectory, "*.pending.json", stepEnd.Token);
                break;
            default:
                trigger = Task.CompletedTask; // set once the agent runs
                break;
        }

        _summary.AgentRuns++;
        await using var agent = runner.Start(full);
        var exited = agent.WaitForExitAsync();
        if (fault.Trigger == FaultTrigger.FirstProgressLine)
        {
            trigger = agent.WaitForLineAsync(l => l.StartsWith("progress: ", StringComparison.Ordinal), "the agent's first progress line");
        }

        var applied = ApplyFaultAsync(fault, trigger, agent, exited);
        int exitCode;
        (bool Landed, string? Note) faultResult;
        try
        {
            exitCode = await exited;
        }
        finally
        {
            // Whatever happens, the fault ends with the agent: nothing armed, stalled or refused is left for the next step.
            faultResult = await applied;
            await stepEnd.CancelAsync();
            proxy.Disarm();
            proxy.Resume();
            proxy.Allow();
        }

        var result = new AgentResult(exitCode, agent.StandardOutput, agent.StandardError);
        JsonElement? json = exitCode == 0 ? result.Json : null;
        return new AgentRun(exitCode, result, json, faultResult.Landed, faultResult.Note);
    }

    /// <summary>Applies the fault when its trigger fires while the agent runs; returns whether it landed then.</summary>
    private async Task<(bool Landed, string? Note)> ApplyFaultAsync(FaultPlan fault, Task trigger, ChildProcess agent, Task<int> exited)
    {
        var fired = Fired(trigger);
        var first = await Task.WhenAny(fired, exited);
        var landed = first == fired && await fired && !agent.HasExited;
        if (fault.UsesProxyBreakpoint)
        {
            // The proxy applied it itself; a refusal with a duration is lifted here, one "until exit" when the agent exits.
            landed = trigger.IsCompletedSuccessfully;
            if (landed && fault.Kind == FaultKind.ConnectionCutAndRefuse && fault.For is { } duration)
            {
                await Task.WhenAny(Task.Delay(duration), exited);
                Store.Proxy.Allow();
            }

            await exited;
            return (trigger.IsCompletedSuccessfully, null);
        }

        switch (fault.Kind)
        {
            case FaultKind.AgentKill:
                if (landed)
                {
                    agent.Kill();
                }

                return (landed, null);
            case FaultKind.SiloKill:
                if (!landed)
                {
                    // The transfer ended first: the crash comes after the acknowledgement (invariant 2).
                    await exited;
                }

                await Store.KillAsync();
                await Store.StartAgainAsync();
                return (landed, landed ? null : "silo killed after the agent exited");
            case FaultKind.StorageRestart when _azurite is not null:
                if (!landed)
                {
                    await exited;
                }

                _azurite = await _azurite.RestartAsync();
                _storageRestarts++;
                return (landed, landed ? "Azurite restarted under the running silo" : "Azurite restarted after the agent exited");
            default:
                if (!landed)
                {
                    await exited;
                }

                var stopped = await Store.StopAndRestartAsync();
                if (stopped != 0)
                {
                    _summary.Notes.Add($"step {_summary.Steps + 1}: the silo exited {stopped} on SIGTERM instead of 0");
                }

                return (landed, landed ? $"silo stopped (exit {stopped}) and restarted" : $"silo stopped (exit {stopped}) and restarted after the agent exited");
        }
    }

    /// <summary>Completes when a file matching <paramref name="pattern"/> is created (or renamed into place) under <paramref name="folder"/>.</summary>
    private static async Task FileAppearsAsync(string folder, string pattern, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var appeared = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(folder, pattern) { IncludeSubdirectories = true };
        watcher.Created += (_, _) => appeared.TrySetResult();
        watcher.Renamed += (_, e) => appeared.TrySetResult();
        watcher.EnableRaisingEvents = true;
        await appeared.Task.WaitAsync(cancellationToken);
    }

    private static async Task<bool> Fired(Task trigger)
    {
        try
        {
            await trigger;
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The next line the silo prints that matches (lines already printed do not count).</summary>
    private Task<string> NewSiloLine(Func<string, bool> match, string what)
    {
        var armed = new Flag();
        var line = Store.Silo.Process.WaitForLineAsync(l => armed.Value && match(l), what);
        armed.Value = true;
        return line;
    }

    private static int CommittedNumber(string line)
        => CommitLine().Match(line) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    [GeneratedRegex(@"snapshot (\d+) committed from session")]
    private static partial Regex CommitLine();

    // ---------------------------------------------------------------- store checks

    private async Task CheckStoreAsync(StepContext step, IReadOnlyList<UserModel> users, int? pulledCurrent)
    {
        var status = _checker.RunAsync("status", "--user", step.User.Account);
        var histories = users.Select(u => _checker.RunAsync("history", "--user", u.Account)).ToList();
        _summary.AgentRuns += 1 + histories.Count;
        await Task.WhenAll(histories.Cast<Task>().Append(status));

        for (var i = 0; i < users.Count; i++)
        {
            CheckHistory(step, users[i], await histories[i]);
        }

        var statusResult = await status;
        if (statusResult.ExitCode != ExitCodes.Success)
        {
            Violation(step, "(d) status works after every step", $"status of {step.User.Account}: {statusResult}");
        }

        var current = statusResult.Json.GetProperty("status");
        var history = (await histories[users.ToList().IndexOf(step.User)]).Json.EnumerateArray().Select(s => s.GetProperty("number").GetInt32()).ToList();
        var currentNumber = current.GetProperty("current").ValueKind == JsonValueKind.Null ? 0 : current.GetProperty("current").GetProperty("number").GetInt32();
        if (!history.Contains(currentNumber) || current.GetProperty("snapshots").GetInt32() != history.Count)
        {
            Violation(step, "(d) status and history agree", $"status says current {currentNumber} of {current.GetProperty("snapshots").GetInt32()} snapshot(s); history lists {string.Join(", ", history)}");
        }

        if (pulledCurrent is { } pulled && pulled != currentNumber)
        {
            Violation(step, "a logon pulls the current snapshot", $"the pull returned snapshot {pulled}, but status says {currentNumber} is current and nothing was committed since");
        }
    }

    private void CheckHistory(StepContext? step, UserModel user, AgentResult result)
    {
        if (result.ExitCode != ExitCodes.Success)
        {
            Violation(step, "(d) history works after every step", $"history of {user.Account}: {result}");
        }

        var entries = result.Json.EnumerateArray()
            .Select(s => (Number: s.GetProperty("number").GetInt32(), Hash: s.GetProperty("manifestHash").GetString()!))
            .ToList();
        if (entries.Zip(entries.Skip(1)).Any(p => p.First.Number >= p.Second.Number))
        {
            Violation(step, "history lists each snapshot once, oldest first", $"{user.Account}: {string.Join(", ", entries.Select(e => e.Number))}");
        }

        var listed = entries.ToDictionary(e => e.Number, e => e.Hash);
        var newest = entries.Count == 0 ? 0 : entries[^1].Number;
        var retainedFrom = _options.RetainSnapshots is { } retain ? newest - retain + 1 : int.MinValue;
        foreach (var (number, hash) in user.SeenInHistory)
        {
            if (number >= retainedFrom && !listed.ContainsKey(number))
            {
                Violation(step, "(b) no snapshot inside the retention window leaves history", $"snapshot {number} of {user.Account} was in history and is gone: {string.Join(", ", entries.Select(e => e.Number))}");
            }

            if (listed.TryGetValue(number, out var now) && now != hash)
            {
                Violation(step, "(b) a snapshot never changes", $"snapshot {number} of {user.Account} had manifest hash {hash}, now {now}");
            }
        }

        foreach (var known in user.Acknowledged)
        {
            if (known.Number >= retainedFrom && !listed.ContainsKey(known.Number))
            {
                Violation(step, "(b) every acknowledged snapshot is current or in history", $"snapshot {known.Number} of {user.Account}, acknowledged at step {known.Step}, is not in history: {string.Join(", ", entries.Select(e => e.Number))}");
            }

            if (listed.TryGetValue(known.Number, out var hash) && known.ManifestHash is { } acknowledged && hash != acknowledged)
            {
                Violation(step, "(b) an acknowledged snapshot keeps its manifest", $"snapshot {known.Number} of {user.Account} was acknowledged with manifest hash {acknowledged}; history says {hash}");
            }
        }

        foreach (var (number, hash) in entries)
        {
            user.SeenInHistory[number] = hash;
        }

        user.NewestSeen = Math.Max(user.NewestSeen, newest);
    }

    /// <summary>At the end: every snapshot in every user's history pulls back with the bytes the oracle expects.</summary>
    private async Task FinalCheckAsync()
    {
        using var parallel = new SemaphoreSlim(2);
        foreach (var user in _users)
        {
            var history = await _checker.RunAsync("history", "--user", user.Account);
            _summary.AgentRuns++;
            var context = new StepContext(null, _summary.Steps, user, $"final check of {user.Account}: pull --snapshot N of every snapshot in history, no fault", null);
            CheckHistory(context, user, history);
            var numbers = history.Json.EnumerateArray().Select(s => s.GetProperty("number").GetInt32()).ToList();
            var pulls = numbers.Select(async number =>
            {
                await parallel.WaitAsync();
                try
                {
                    var folder = _root.Combine("final", user.Account.Replace('\\', '-'), $"{number}");
                    Directory.CreateDirectory(folder);
                    var result = await _checker.RunAsync("pull", "--user", user.Account, "--path", folder, "--snapshot", $"{number}");
                    return (number, folder, result);
                }
                finally
                {
                    parallel.Release();
                }
            }).ToList();
            foreach (var pull in pulls)
            {
                var (number, folder, result) = await pull;
                _summary.AgentRuns++;
                if (result.ExitCode != ExitCodes.Success)
                {
                    Violation(context, "(b) every snapshot in history pulls back", $"pull --snapshot {number}: {result}");
                }

                CheckPulled(context with { Run = new AgentRun(0, result, result.Json, false, null) }, number, result.Json.GetProperty("snapshot").GetProperty("manifestHash").GetString(), ProfileContent.Read(folder));
                Directory.Delete(folder, recursive: true);
            }

            var acknowledged = user.Acknowledged.Count();
            Say($"final check: {user.Account}: {numbers.Count} snapshot(s) in history pulled back byte for byte ({acknowledged} acknowledged, {user.Known.Count - acknowledged} committed without acknowledgement, {user.AttemptCount} version(s) pushed)");
        }
    }

    // ---------------------------------------------------------------- reporting

    private void SummaryCount(StepPlan plan)
    {
        CampaignSummary.Increment(_summary.ByKind, plan.Fault.Kind.ToString());
        CampaignSummary.Increment(_summary.ByTrigger, plan.Fault.Trigger.ToString());
        CampaignSummary.Increment(_summary.ByOperation, plan.Operation.ToString());
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Violation(StepContext? step, string invariant, string details)
    {
        var number = step?.Number ?? 0;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fault campaign violation: seed {_options.Seed}, step {number} of {_options.Injections}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Invariant: {invariant}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Scenario: {step?.Scenario ?? "set-up"}");
        text.AppendLine(details);
        text.AppendLine(CultureInfo.InvariantCulture, $"Replay: Campaign.Run({_options.Seed}, {Math.Max(number, 1)}), or PROFILES_CAMPAIGN_SEED={_options.Seed} PROFILES_CAMPAIGN_INJECTIONS={Math.Max(number, 1)} dotnet test --no-build --filter FullyQualifiedName~CampaignTests (see FAULTS.md).");
        if (step?.Run is { } run)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Agent: {run.Result}");
        }

        text.AppendLine("Previous steps:");
        foreach (var line in _recent)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
        }

        if (_store is not null)
        {
            text.AppendLine("Silo log (last lines):");
            foreach (var line in _store.Silo.Process.StandardOutput.Split('\n').TakeLast(25))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
            }
        }

        var message = text.ToString();
        _summary.Violations.Add(message);
        Say(message);
        throw new CampaignViolationException(message);
    }

    private void Say(string line) => _options.Log?.Invoke(line);

    private sealed class Flag
    {
        public volatile bool Value;
    }

    private sealed record Calibration(long PushOverheadUp, long PushDown, long PullUp, long PullOverheadDown)
    {
        public override string ToString()
            => $"a clean push sends {PushOverheadUp} bytes besides its chunks and receives {PushDown}; a clean pull sends {PullUp} and receives {PullOverheadDown} besides its chunks";
    }

    private sealed record AgentRun(int ExitCode, AgentResult Result, JsonElement? Json, bool Landed, string? FaultNote);

    /// <summary>What a check reports against: a step (or the final check, which has no plan), its user and its scenario.</summary>
    private sealed record StepContext(StepPlan? Plan, int Number, UserModel User, string Scenario, AgentRun? Run);
}
