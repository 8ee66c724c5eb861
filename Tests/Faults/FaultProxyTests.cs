using System.Net;
using System.Net.Sockets;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Faults;

/// <summary>The fault proxy in front of a real silo's gateway, with real agents going through it.</summary>
[Collection(FaultsCollection.Name)]
[Trait(TestCategory.Name, TestCategory.Faults)]
public sealed class FaultProxyTests
{
    // Three 1 MiB put batches: a cut in the middle of the second one lands mid-push.
    private const int HivePages = 768;
    private const int HiveBytes = HivePages * TestData.PageSize;

    // Short enough that a call lost with its connection fails (and is retried) soon.
    private static readonly string[] Patient = ["--timeout", "3"];

    [Fact]
    public async Task A_cut_forwards_exactly_the_bytes_asked_then_resets_both_ends_and_later_connections_work()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        await using var proxy = FaultProxy.Start(((IPEndPoint)server.LocalEndpoint).Port);

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
        using var accepted = await server.AcceptTcpClientAsync();
        var cut = proxy.CutAfterAsync(ProxyDirection.ToServer, 1000);
        await client.GetStream().WriteAsync(TestData.RandomBytes(10_000, seed: 740));

        Assert.Equal(1000, await cut);
        // The server gets exactly the first 1,000 bytes, then a reset; so does the client when it next uses the connection.
        var received = await ReadUntilClosedAsync(accepted.GetStream());
        Assert.Equal(TestData.RandomBytes(10_000, seed: 740)[..1000], received);
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            while (true)
            {
                await client.GetStream().WriteAsync(new byte[1000]);
                _ = await client.GetStream().ReadAsync(new byte[1]);
            }
        });
        Assert.Equal((1000, 0, 1), (proxy.BytesToServer, proxy.BytesToClient, proxy.Cuts));

        // A cut is one event: the next connection is forwarded both ways.
        using var again = new TcpClient();
        await again.ConnectAsync(IPAddress.Loopback, proxy.Port);
        using var acceptedAgain = await server.AcceptTcpClientAsync();
        await again.GetStream().WriteAsync("ping"u8.ToArray());
        Assert.Equal("ping"u8.ToArray(), await ReadExactlyAsync(acceptedAgain.GetStream(), 4));
        await acceptedAgain.GetStream().WriteAsync("pong"u8.ToArray());
        Assert.Equal("pong"u8.ToArray(), await ReadExactlyAsync(again.GetStream(), 4));
        // Counted once sent on: wait for the count, not just for the bytes.
        await Task.WhenAll(proxy.WhenForwardedAsync(ProxyDirection.ToServer, 1004), proxy.WhenForwardedAsync(ProxyDirection.ToClient, 4));
        Assert.Equal((1004, 4, 2), (proxy.BytesToServer, proxy.BytesToClient, proxy.ConnectionsAccepted));
    }

    [Fact]
    public async Task A_refusing_proxy_accepts_and_closes_every_connection_until_allowed()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        await using var proxy = FaultProxy.Start(((IPEndPoint)server.LocalEndpoint).Port);
        proxy.Refuse();

        for (var i = 1; i <= 3; i++)
        {
            // The reset may reach the client while its connect completes, or at its first read: nothing arrives either way.
            using var refused = new TcpClient();
            try
            {
                await refused.ConnectAsync(IPAddress.Loopback, proxy.Port);
                Assert.Empty(await ReadUntilClosedAsync(refused.GetStream()));
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
            }

            Assert.Equal(i, proxy.ConnectionsRefused);
        }

        Assert.Equal(0, proxy.ConnectionsAccepted);
        proxy.Allow();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
        using var accepted = await server.AcceptTcpClientAsync();
        await client.GetStream().WriteAsync("hello"u8.ToArray());
        Assert.Equal("hello"u8.ToArray(), await ReadExactlyAsync(accepted.GetStream(), 5));
        await proxy.WhenForwardedAsync(ProxyDirection.ToServer, 5);
        Assert.Equal((1, 3, 5L), (proxy.ConnectionsAccepted, proxy.ConnectionsRefused, proxy.BytesToServer));
    }

    [Fact]
    public async Task An_agent_works_through_the_proxy_and_its_bytes_are_counted_each_way()
    {
        using var data = new TempDirectory("faults-proxy");
        await using var store = await ProxiedSilo.StartAsync(data.Path);
        using var ws1 = new Workstation("ws1", store.Gateway);
        using var ws2 = new Workstation("ws2", store.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 700));
        ws1.Write(@"AppData\Roaming\app.ini", TestData.RandomBytes(3000, seed: 701));

        // No fault here: the default answer timeout, so a slow machine does not make the agent reconnect.
        var push = (await ws1.Agent.SucceedAsync("push", "--user", @"contoso\pat", "--path", ws1.Profile)).Json;
        Assert.Equal(1, push.GetProperty("snapshot").GetProperty("number").GetInt32());
        var (pushedUp, pushedDown) = (store.Proxy.BytesToServer, store.Proxy.BytesToClient);
        // Every pushed byte went through the proxy, with little besides; almost nothing came back.
        Assert.InRange(pushedUp, HiveBytes + 3000, HiveBytes + 3000 + 256 * 1024);
        Assert.InRange(pushedDown, 1, 256 * 1024);

        var pull = (await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\pat", "--path", ws2.Profile)).Json;
        Assert.Equal(1, pull.GetProperty("snapshot").GetProperty("number").GetInt32());
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
        var (pulledUp, pulledDown) = (store.Proxy.BytesToServer - pushedUp, store.Proxy.BytesToClient - pushedDown);
        Assert.InRange(pulledDown, HiveBytes + 3000, HiveBytes + 3000 + 256 * 1024);
        Assert.InRange(pulledUp, 1, 256 * 1024);
        Assert.Equal(2, store.Proxy.ConnectionsAccepted);
        Assert.Equal(0, store.Proxy.Cuts);
    }

    [Fact]
    public async Task Without_gateway_listen_port_an_agent_through_a_proxy_on_another_port_is_refused()
    {
        using var data = new TempDirectory("faults-no-listen-port");
        await using var silo = await SiloProcess.StartAsync(data.Path);
        await using var proxy = FaultProxy.Start(silo.GatewayPort);
        using var direct = new Workstation("direct", silo.Gateway);
        using var proxied = new Workstation("proxied", proxy.Endpoint);

        var refused = await proxied.Agent.RunAsync("status", "--user", @"contoso\quinn", "--timeout", "3", "--retries", "2");
        // The silo answers through the proxy, but says it is the gateway on its own port: the client refuses it.
        Assert.True(refused.ExitCode == ExitCodes.StoreUnavailable, $"{refused}");
        Assert.Contains("did not answer after 2 attempts", refused.StandardError, StringComparison.Ordinal);
        Assert.True(proxy.ConnectionsAccepted >= 1, $"{proxy}");
        Assert.True(proxy.BytesToClient > 0, $"the silo never answered through the proxy: {proxy}");
        // The client addresses the gateway by the endpoint it dialled; the silo, which knows itself by its own port, takes that for
        // another silo: depending on timing it drops the messages ("addressed to S…") or tries to forward them ("endpoint S…").
        // Either way its log names the proxy's port as a silo address; it may log it after the agent gave up, so wait for the line.
        await silo.Process.WaitForLineAsync(l => l.Contains($"S127.0.0.1:{proxy.Port}:0", StringComparison.Ordinal), "the silo taking the proxy's port for another silo");

        await direct.Agent.SucceedAsync("status", "--user", @"contoso\quinn");
    }

    [Theory]
    [InlineData(ProxyDirection.ToServer)]
    [InlineData(ProxyDirection.ToClient)]
    public async Task A_connection_cut_mid_push_is_retried_and_the_new_snapshot_commits(ProxyDirection direction)
    {
        using var data = new TempDirectory("faults-cut");
        await using var store = await ProxiedSilo.StartAsync(data.Path);
        using var ws1 = new Workstation("ws1", store.Gateway);
        using var ws2 = new Workstation("ws2", store.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 710));
        var start = store.Proxy.Forwarded(direction);
        await ws1.Agent.SucceedAsync(["push", "--user", @"contoso\rita", "--path", ws1.Profile, .. Patient]);
        var fullPush = store.Proxy.Forwarded(direction) - start;

        // Every page changes: the second push moves as many bytes as the first, and is cut halfway.
        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 711));
        var version2 = ws1.Snapshot();
        var cut = store.Proxy.CutAfterAsync(direction, fullPush / 2);
        var push = (await ws1.Agent.SucceedAsync(["push", "--user", @"contoso\rita", "--path", ws1.Profile, .. Patient])).Json;
        Assert.True(cut.IsCompletedSuccessfully, $"the cut never happened: {store.Proxy}");
        Assert.Equal(1, store.Proxy.Cuts);
        Assert.Equal(2, push.GetProperty("snapshot").GetProperty("number").GetInt32());
        Assert.Equal(HivePages, push.GetProperty("totalChunks").GetInt32());

        await ws2.Agent.SucceedAsync(["pull", "--user", @"contoso\rita", "--path", ws2.Profile, .. Patient]);
        ProfileAssert.SameFiles(version2, ws2.Snapshot());
        var history = (await ws2.Agent.SucceedAsync("history", "--user", @"contoso\rita")).Json;
        Assert.Equal([1, 2], history.EnumerateArray().Select(s => s.GetProperty("number").GetInt32()));
    }

    [Fact]
    public async Task A_push_cut_midway_whose_reconnects_are_refused_fails_with_exit_4_and_the_previous_snapshot_stays()
    {
        using var data = new TempDirectory("faults-refuse");
        await using var store = await ProxiedSilo.StartAsync(data.Path);
        using var ws1 = new Workstation("ws1", store.Gateway);
        using var ws2 = new Workstation("ws2", store.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 720));
        await ws1.Agent.SucceedAsync(["push", "--user", @"contoso\sam", "--path", ws1.Profile, .. Patient]);
        var version1 = ws1.Snapshot();

        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 721));
        // Halfway through the chunks, the link dies and stays dead for longer than the agent's retries.
        var cut = store.Proxy.ArmAsync(ProxyDirection.ToServer, HiveBytes / 2, ProxyFault.CutAndRefuse);
        var push = await ws1.Agent.RunAsync(["push", "--user", @"contoso\sam", "--path", ws1.Profile, "--retries", "3", .. Patient]);
        Assert.True(push.ExitCode == ExitCodes.StoreUnavailable, $"{push}");
        Assert.True(cut.IsCompletedSuccessfully, $"the cut never happened: {store.Proxy}");
        Assert.True(store.Proxy.ConnectionsRefused >= 1, $"{store.Proxy}");

        store.Proxy.Allow();
        await ws2.Agent.SucceedAsync(["pull", "--user", @"contoso\sam", "--path", ws2.Profile, .. Patient]);
        ProfileAssert.SameFiles(version1, ws2.Snapshot());
        var status = (await ws2.Agent.SucceedAsync("status", "--user", @"contoso\sam")).Json.GetProperty("status");
        Assert.Equal(1, status.GetProperty("current").GetProperty("number").GetInt32());
        Assert.Equal(1, status.GetProperty("openSessions").GetInt32());
    }

    [Fact]
    public async Task A_pull_cut_midway_is_retried_and_returns_the_snapshot_byte_for_byte()
    {
        using var data = new TempDirectory("faults-cut-pull");
        await using var store = await ProxiedSilo.StartAsync(data.Path);
        using var ws1 = new Workstation("ws1", store.Gateway);
        using var ws2 = new Workstation("ws2", store.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(HivePages, seed: 730));
        await ws1.Agent.SucceedAsync(["push", "--user", @"contoso\tom", "--path", ws1.Profile, .. Patient]);

        var cut = store.Proxy.CutAfterAsync(ProxyDirection.ToClient, HiveBytes / 2);
        var pull = (await ws2.Agent.SucceedAsync(["pull", "--user", @"contoso\tom", "--path", ws2.Profile, .. Patient])).Json;
        Assert.True(cut.IsCompletedSuccessfully, $"the cut never happened: {store.Proxy}");
        Assert.Equal(1, pull.GetProperty("snapshot").GetProperty("number").GetInt32());
        ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());
    }

    [Fact]
    public async Task A_stall_holds_bytes_without_closing_and_resume_lets_them_through()
    {
        using var data = new TempDirectory("faults-stall");
        await using var store = await ProxiedSilo.StartAsync(data.Path);
        using var ws = new Workstation("ws", store.Gateway);
        await ws.Agent.SucceedAsync("status", "--user", @"contoso\uma");
        var before = (store.Proxy.BytesToServer, store.Proxy.BytesToClient);

        store.Proxy.Stall();
        await using var status = ws.Agent.Start("status", "--user", @"contoso\uma", "--timeout", "30");
        // The agent has connected and sent its first bytes, which the proxy holds back.
        await store.Proxy.WhenConnectedAsync(2);
        await store.Proxy.WhenHoldingAsync();
        Assert.Equal(before, (store.Proxy.BytesToServer, store.Proxy.BytesToClient));
        Assert.False(status.HasExited);

        store.Proxy.Resume();
        Assert.Equal(0, await status.WaitForExitAsync());
        Assert.True(store.Proxy.BytesToServer > before.BytesToServer);
        Assert.Equal(0, store.Proxy.Cuts);
    }

    /// <summary>Everything the other end sends until it closes or resets the connection.</summary>
    private static async Task<byte[]> ReadUntilClosedAsync(NetworkStream stream)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset ends the stream like a close, after the bytes that arrived before it.
        }

        return received.ToArray();
    }

    private static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var data = new byte[count];
        await stream.ReadExactlyAsync(data);
        return data;
    }
}
