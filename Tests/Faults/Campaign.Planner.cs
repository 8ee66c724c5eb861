using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>Planning: which operation, user, workstation and fault each step takes, from the seeded random.</summary>
public sealed partial class Campaign
{
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
}
