using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Profiles.Admin;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;
using Xunit.Abstractions;

namespace Orleans.Profiles.Tests.Admin;

/// <summary>The administrator's commands against a real silo: the directory of 1,000 profiles, refusals, delete cut by a kill.</summary>
[Collection(OwnProcessesCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class AdminTests(ITestOutputHelper output)
{
    private const int Profiles = 1000;

    [Fact]
    public async Task A_store_of_1000_profiles_lists_in_pages_in_order_and_refuses_non_administrators_and_bad_queries()
    {
        using var data = new TempDirectory("admin-list");
        using var keys = new TestKeys(ecdsa: true);
        await using var silo = await SiloProcess.StartAsync(data.Path, "--token-key-file", keys.PublicKeyFile);
        var users = Enumerable.Range(0, Profiles).Select(i => ProfileKey.Parse($@"contoso\user{i:D4}")).ToList();

        // Generated through the grains from this process (a machine token for all of them), not 1,000 agent runs.
        await using (var machine = Connect(silo, keys.IssueMachine("GEN-01", [.. users.Select(u => u.Value)])))
        await using (var admin = Connect(silo, keys.Issue(@"contoso\helpdesk", admin: true)))
        {
            await GenerateAsync(machine, users[..250]);
            var at250 = await MeasurePageAsync(admin);
            await GenerateAsync(machine, users[250..]);

            // A workstation sends user0002 a damaged hive: refused, and the directory remembers from where.
            var damaged = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.RandomBytes(8192, seed: 1520)));
            await Assert.ThrowsAsync<DamagedHiveException>(() => machine.CallAsync(f => ProfileUploads.PushAsync(f, users[2], damaged, baseSnapshot: 1, machine: "WS-BROKEN"), CancellationToken.None));
            var at1000 = await MeasurePageAsync(admin);
            output.WriteLine($"admin list, one page of 100 (median of 20): {at250.TotalMilliseconds:0.0} ms at 250 profiles, {at1000.TotalMilliseconds:0.0} ms at 1,000 "
                + $"(slope {(at1000 - at250).TotalMilliseconds / 750 * 1000:0.00} ms per 1,000 profiles)");

            // A directory partition takes no call from a client, even an administrator's.
            await Assert.ThrowsAsync<NotAuthorizedException>(() => admin.CallAsync(f => f.GetGrain<IProfileDirectoryPartitionGrain>(0).Remove(users[0].Value), CancellationToken.None));
        }

        using var ws = new Workstation("ws-admin", silo.Gateway);
        ws.Agent.Environment["PROFILES_TOKEN"] = keys.Issue(@"contoso\helpdesk", admin: true);

        // Four pages of 250 are every profile once, in account order.
        var listed = new List<string>();
        string? token = null;
        for (var page = 0; page < 4; page++)
        {
            var result = (await ws.Agent.SucceedAsync(["admin", "list", "--page-size", "250", .. token is null ? Array.Empty<string>() : ["--page", token]])).Json;
            Assert.Equal(Profiles, result.GetProperty("matching").GetInt32());
            listed.AddRange(result.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("account").GetString()!));
            token = result.GetProperty("nextPageToken").GetString();
            Assert.Equal(page < 3, token is not null);
        }

        Assert.Equal(users.Select(u => u.Value).Order(StringComparer.Ordinal), listed);

        // By size, largest first (ties by account), and what a row says: user0049 and user0099 have the largest file, 5,000 bytes.
        var bySize = (await ws.Agent.SucceedAsync("admin", "list", "--sort", "size", "--page-size", "3", "--filter", "account~user00")).Json;
        var first = bySize.GetProperty("profiles")[0];
        Assert.Equal((@"contoso\user0049", 1, 5000L, "WS-0049", 100), (first.GetProperty("account").GetString(), first.GetProperty("current").GetInt32(),
            first.GetProperty("retainedBytes").GetInt64(), first.GetProperty("lastMachine").GetString(), bySize.GetProperty("matching").GetInt32()));
        Assert.Equal([@"contoso\user0049", @"contoso\user0099", @"contoso\user0048"], bySize.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("account").GetString()));

        var troubled = (await ws.Agent.SucceedAsync("admin", "list", "--filter", "damaged-hives>0")).Json.GetProperty("profiles");
        Assert.Equal((@"contoso\user0002", "WS-BROKEN", @"NTUSER.DAT"), (troubled[0].GetProperty("account").GetString(),
            troubled[0].GetProperty("damagedHives")[0].GetProperty("machine").GetString(), troubled[0].GetProperty("damagedHives")[0].GetProperty("path").GetString()));
        Assert.Equal(1, troubled.GetArrayLength());

        // Bad input gets its typed error and an exit code; nothing changes.
        var foreign = await ws.Agent.RunAsync("admin", "list", "--sort", "size", "--page", bySize.GetProperty("nextPageToken").GetString()!);
        Assert.Equal(ExitCodes.BadInput, foreign.ExitCode);
        Assert.Contains("The page token is refused: it was issued for another query", foreign.StandardError, StringComparison.Ordinal);
        var garbage = await ws.Agent.RunAsync("admin", "list", "--page", "not-a-token");
        Assert.Equal(ExitCodes.BadInput, garbage.ExitCode);
        Assert.Contains("The page token is refused: it is not a page token of this store.", garbage.StandardError, StringComparison.Ordinal);
        var badFilter = await ws.Agent.RunAsync("admin", "list", "--filter", "bytes>lots");
        Assert.Equal(ExitCodes.BadInput, badFilter.ExitCode);
        Assert.Contains("The directory query is not valid: \"lots\" is not a size", badFilter.StandardError, StringComparison.Ordinal);
        var unknown = await ws.Agent.RunAsync("admin", "delete", "--user", @"contoso\nobody", "--confirm", @"contoso\nobody");
        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
        Assert.Contains("The store has no profile \"contoso\\nobody\".", unknown.StandardError, StringComparison.Ordinal);
        var unconfirmed = await ws.Agent.RunAsync("admin", "delete", "--user", @"contoso\user0001", "--confirm", @"contoso\user0002");
        Assert.Equal(ExitCodes.BadInput, unconfirmed.ExitCode);
        var quota = await ws.Agent.RunAsync("admin", "quota", "--user", @"contoso\nobody", "--bytes", "1G");
        Assert.Equal(ExitCodes.BadInput, quota.ExitCode);

        // A user's token, even for their own profile, is refused every administrative command.
        ws.Agent.Environment["PROFILES_TOKEN"] = keys.Issue(@"contoso\user0001");
        foreach (var command in new[]
        {
            new[] { "admin", "list" },
            ["admin", "delete", "--user", @"contoso\user0001", "--confirm", @"contoso\user0001", "--force"],
            ["admin", "quota", "--user", @"contoso\user0001", "--bytes", "0"],
            ["admin", "audit"],
        })
        {
            var refused = await ws.Agent.RunAsync(command);
            Assert.True(refused.ExitCode == ExitCodes.NotAuthorized, $"{string.Join(' ', command)}: {refused}");
        }

        // Nothing changed: every profile is there, user0001's snapshot too, and the audit names who tried what.
        ws.Agent.Environment["PROFILES_TOKEN"] = keys.Issue(@"contoso\helpdesk", admin: true);
        Assert.Equal(Profiles, (await ws.Agent.SucceedAsync("admin", "list", "--page-size", "1")).Json.GetProperty("matching").GetInt32());
        var audit = (await ws.Agent.SucceedAsync("admin", "audit")).Json.EnumerateArray().Select(e => $"{e.GetProperty("subject").GetString()} {e.GetProperty("action").GetString()} {e.GetProperty("profile").GetString()} {e.GetProperty("outcome").GetString()}").ToList();
        Assert.Equal([@"contoso\helpdesk Delete contoso\nobody ProfileNotFoundException", @"contoso\helpdesk SetQuota contoso\nobody ProfileNotFoundException"], audit);
    }

    [Fact]
    public async Task A_delete_cut_by_a_silo_kill_leaves_an_unreadable_profile_that_a_second_run_removes_entirely()
    {
        using var data = new TempDirectory("admin-delete");
        var clock = Stopwatch.StartNew();
        var silo = await SiloProcess.StartAsync(data.Path, "--Store:DeleteOperationsPerSecond=4");
        try
        {
            var leaver = ProfileKey.Parse(@"contoso\leaver");
            using var ws = new Workstation("ws1", silo.Gateway);
            for (var version = 0; version < 3; version++)
            {
                ws.Write("NTUSER.DAT", TestData.HiveLike(8, seed: 1500 + version));
                await ws.Agent.SucceedAsync("push", "--user", leaver.Value, "--path", ws.Profile);
            }

            await ws.Agent.SucceedAsync("push", "--user", @"contoso\stayer", "--path", ws.Profile);

            // An open upload (a logoff pushing now) stops a delete without --force.
            var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(4, seed: 1510)));
            await using (var store = Connect(silo, token: null))
            {
                await store.CallAsync(f => f.GetProfileUpload(leaver).BeginUpload(content.Request(3, "WS-OTHER")), CancellationToken.None);
            }

            var refused = await ws.Agent.RunAsync("admin", "delete", "--user", leaver.Value, "--confirm", leaver.Value);
            Assert.True(refused.ExitCode == ExitCodes.Conflict, $"{refused}");
            Assert.Equal(3, (await ws.Agent.SucceedAsync("status", "--user", leaver.Value)).Json.GetProperty("status").GetProperty("current").GetProperty("number").GetInt32());

            // Killed once the tombstone is written: four items a second leave the delete seconds from its end.
            await using (var cut = ws.Agent.Start("admin", "delete", "--user", leaver.Value, "--confirm", leaver.Value, "--force", "--retries", "1", "--timeout", "5"))
            {
                await silo.Process.WaitForLineAsync(l => l.Contains(@"Deleting contoso\leaver (resumed: False): tombstone written", StringComparison.Ordinal), "the tombstone");
                silo.Process.Kill();
                output.WriteLine($"{clock.Elapsed}: killed");
                Assert.Equal(ExitCodes.StoreUnavailable, await cut.WaitForExitAsync());
                output.WriteLine($"{clock.Elapsed}: agent exited");
            }

            await silo.Process.DisposeAsync();
            silo = await SiloProcess.StartAsync(data.Path, silo.SiloPort, silo.GatewayPort, silo.HealthPort, ["--Store:DeleteOperationsPerSecond=4"]);
            output.WriteLine($"{clock.Elapsed}: restarted");
            Assert.NotEmpty(Remains(data.Path, leaver));
            foreach (var read in new[] { new[] { "status", "--user", leaver.Value }, ["pull", "--user", leaver.Value, "--path", ws.Profile + "-2"] })
            {
                var half = await ws.Agent.RunAsync(read);
                Assert.True(half.ExitCode == ExitCodes.Failure, $"{half}");
                Assert.Contains("Profile \"contoso\\leaver\" is being deleted: nothing of it can be read or written; 'admin delete' run again finishes it.", half.StandardError, StringComparison.Ordinal);
            }

            Assert.False(Directory.Exists(ws.Profile + "-2"));
            var listing = (await ws.Agent.SucceedAsync("admin", "list", "--filter", "account~leaver")).Json.GetProperty("profiles")[0];
            Assert.True(listing.GetProperty("deleting").GetBoolean());

            output.WriteLine($"{clock.Elapsed}: second run");
            var finished = (await ws.Agent.SucceedAsync("admin", "delete", "--user", leaver.Value, "--confirm", leaver.Value)).Json;
            Assert.True(finished.GetProperty("resumed").GetBoolean());
            Assert.Empty(Remains(data.Path, leaver));
            Assert.Equal([@"contoso\stayer"], (await ws.Agent.SucceedAsync("admin", "list")).Json.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("account").GetString()));
            var status = (await ws.Agent.SucceedAsync("status", "--user", leaver.Value)).Json.GetProperty("status");
            Assert.Equal(JsonValueKind.Null, status.GetProperty("current").ValueKind);
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    /// <summary>Every file or folder of the data folder named for the profile: its folder of packs and manifests, its grain state file.</summary>
    private static List<string> Remains(string dataDirectory, ProfileKey profile)
        => [.. Directory.EnumerateFileSystemEntries(dataDirectory, "*", SearchOption.AllDirectories).Where(p => Path.GetFileName(p).Contains(profile.StorageName, StringComparison.Ordinal))];

    private static StoreConnection Connect(SiloProcess silo, string? token)
        => new(new ProfileSyncOptions { Gateways = [IPEndPoint.Parse(silo.Gateway)], Token = token }, NullLoggerFactory.Instance, TimeProvider.System);

    /// <summary>One small snapshot each, pushed 16 at a time: user i's file is (i mod 50 + 1) × 100 bytes, from WS-i.</summary>
    private static async Task GenerateAsync(StoreConnection store, IReadOnlyList<ProfileKey> users)
        => await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (user, ct) =>
        {
            var i = int.Parse(user.Value[^4..], System.Globalization.CultureInfo.InvariantCulture);
            var content = await UploadContent.CreateAsync((@"AppData\Roaming\Contoso\settings.bin", TestData.RandomBytes(((i % 50) + 1) * 100, seed: i)));
            await store.CallAsync(f => ProfileUploads.PushAsync(f, user, content, machine: $"WS-{i:D4}"), ct);
        });

    private static async Task<TimeSpan> MeasurePageAsync(StoreConnection admin)
    {
        var times = new List<TimeSpan>();
        for (var run = 0; run < 21; run++)
        {
            var clock = Stopwatch.StartNew();
            await admin.CallAsync(f => f.GetGrain<IProfileDirectoryGrain>(0).List(new ProfileDirectoryQuery([], ProfileSort.Size)), CancellationToken.None);
            times.Add(clock.Elapsed);
        }

        return times.Skip(1).Order().ElementAt(10);
    }
}
