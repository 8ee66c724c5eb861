using System.Diagnostics;
using System.Text.Json;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Faults;

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
