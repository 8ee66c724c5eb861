using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>
/// A pull killed between renaming two of its verified files into place (a power cut at logon) leaves
/// the folder with files of two snapshots; the pull's journal makes the next run of the real agent
/// finish it first, so the user never logs on to, conflicts over, or pushes back such a mix.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class InterruptedPullTests(SiloFixture fixture)
{
    private const string UsrClass = @"AppData\Local\Microsoft\Windows\UsrClass.dat";

    [Fact]
    public async Task The_next_pull_finishes_the_cut_one_and_another_machines_new_snapshot_is_no_conflict()
    {
        const string user = @"contoso\nadia";
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        var (version1, version2) = await TwoVersionsAsync(ws1, ws2, user, seed: 1000);

        await PullCutAfterFirstRenameAsync(ws2, user);
        var mixed = ws2.Snapshot();
        Assert.Equal(version2[UsrClass], mixed[UsrClass]);
        Assert.Equal(version1["NTUSER.DAT"], mixed["NTUSER.DAT"]);

        // Before the workstation logs on again, another machine changes UsrClass.dat only.
        ws1.Write(UsrClass, TestData.ChangePages(ws1.Read(UsrClass), [1], seed: 1003));
        await ws1.Agent.SucceedAsync("push", "--user", user, "--path", ws1.Profile);

        var pulled = (await ws2.Agent.SucceedAsync("pull", "--user", user, "--path", ws2.Profile)).Json;
        Assert.Equal(3, pulled.GetProperty("snapshot").GetProperty("number").GetInt32());
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
        Assert.Empty(Directory.EnumerateFiles(ws2.Agent.StateDirectory, "*.pending.json", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_logoff_after_a_cut_pull_pushes_the_finished_snapshot_not_a_mix()
    {
        const string user = @"contoso\oscar";
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        var (_, version2) = await TwoVersionsAsync(ws1, ws2, user, seed: 1010);
        await PullCutAfterFirstRenameAsync(ws2, user);

        var pushed = (await ws2.Agent.SucceedAsync("push", "--user", user, "--path", ws2.Profile)).Json;

        Assert.True(pushed.GetProperty("unchanged").GetBoolean(), pushed.ToString());
        Assert.Equal(2, pushed.GetProperty("snapshot").GetProperty("number").GetInt32());
        ProfileAssert.SameFiles(version2, ws2.Snapshot());
        var history = (await ws2.Agent.SucceedAsync("history", "--user", user)).Json;
        Assert.Equal(2, history.GetArrayLength());
    }

    [Fact]
    public async Task A_file_the_user_changed_after_the_cut_is_kept_and_reported_never_overwritten()
    {
        const string user = @"contoso\petra";
        using var ws1 = new Workstation("ws1", fixture.Silo.Gateway);
        using var ws2 = new Workstation("ws2", fixture.Silo.Gateway);
        var (_, version2) = await TwoVersionsAsync(ws1, ws2, user, seed: 1020);
        await PullCutAfterFirstRenameAsync(ws2, user);
        var edited = TestData.HiveLike(24, seed: 1023);
        ws2.Write("NTUSER.DAT", edited);

        var refused = await ws2.Agent.RunAsync("pull", "--user", user, "--path", ws2.Profile);

        Assert.Equal(ExitCodes.Conflict, refused.ExitCode);
        Assert.Contains("NTUSER.DAT", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(edited, ws2.Read("NTUSER.DAT"));
        Assert.Equal(version2[UsrClass], ws2.Read(UsrClass));
        Assert.Empty(Directory.EnumerateFiles(ws2.Profile, "*" + AtomicFile.TemporarySuffix, SearchOption.AllDirectories));

        // The edit is the user's work: the logoff push commits it on top of the snapshot the pull finished.
        var pushed = (await ws2.Agent.SucceedAsync("push", "--user", user, "--path", ws2.Profile)).Json.GetProperty("snapshot");
        Assert.Equal((3, 2, 0), (pushed.GetProperty("number").GetInt32(), pushed.GetProperty("baseSnapshot").GetInt32(), pushed.GetProperty("replaced").GetInt32()));
        await ws1.Agent.SucceedAsync("pull", "--user", user, "--path", ws1.Profile, "--force");
        ProfileAssert.SameFiles(ws2.Snapshot(), ws1.Snapshot());
    }

    /// <summary>Snapshot 1 pushed from ws1 and pulled by ws2; snapshot 2 (both hives changed) pushed from ws1.</summary>
    private static async Task<(IReadOnlyDictionary<string, byte[]> Version1, IReadOnlyDictionary<string, byte[]> Version2)> TwoVersionsAsync(Workstation ws1, Workstation ws2, string user, int seed)
    {
        ws1.Write("NTUSER.DAT", TestData.HiveLike(64, seed));
        ws1.Write(UsrClass, TestData.HiveLike(8, seed + 1));
        await ws1.Agent.SucceedAsync("push", "--user", user, "--path", ws1.Profile);
        await ws2.Agent.SucceedAsync("pull", "--user", user, "--path", ws2.Profile);
        var version1 = ws1.Snapshot();

        ws1.Write("NTUSER.DAT", TestData.ChangePages(ws1.Read("NTUSER.DAT"), [2, 3], seed + 2));
        ws1.Write(UsrClass, TestData.ChangePages(ws1.Read(UsrClass), [2], seed + 3));
        await ws1.Agent.SucceedAsync("push", "--user", user, "--path", ws1.Profile);
        return (version1, ws1.Snapshot());
    }

    /// <summary>Pulls the current snapshot into the workstation as its agent would, dying right after the first file is renamed into place.</summary>
    private async Task PullCutAfterFirstRenameAsync(Workstation ws, string user)
    {
        var options = new ProfileSyncOptions { Gateways = [IPEndPoint.Parse(fixture.Silo.Gateway)], StateDirectory = ws.Agent.StateDirectory };
        await using var connection = new StoreConnection(options, NullLoggerFactory.Instance, TimeProvider.System);
        var client = new ProfileSyncClient(connection, options, TimeProvider.System, NullLogger<ProfileSyncClient>.Instance)
        {
            AfterMove = _ => throw new PowerCut(),
        };

        await Assert.ThrowsAsync<PowerCut>(() => client.PullAsync(ProfileKey.Parse(user), ws.Profile, 0, force: false, progress: null, CancellationToken.None));
    }

    private sealed class PowerCut : Exception;
}
