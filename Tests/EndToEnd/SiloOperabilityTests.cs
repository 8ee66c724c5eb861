using System.Net;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>What an operator's monitoring sees: readiness that follows storage, metrics that follow traffic, logs without secrets.</summary>
[Collection(OwnProcessesCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class SiloOperabilityTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Readiness_and_metrics_follow_storage_and_the_logs_never_show_the_connection_string_secret()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 1);
        var silo = cluster.Silos[0];
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(silo, "health/ready"));

        await cluster.Azurite.Process.TerminateAsync();
        var (status, body) = await GetAsync(silo, "health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(silo, "health/live")).Status);
        // A logon meanwhile: the profile's state cannot be read, the agent is told so, the silo counts it.
        using var ws = new Workstation("ws", silo.Gateway);
        var logon = await ws.Agent.RunAsync("status", "--user", @"contoso\yara", "--retries", "1");
        Assert.True(logon.ExitCode == ExitCodes.StoreUnavailable, $"{logon}");
        Assert.Equal(1, Counter((await GetAsync(silo, "metrics")).Body, "profiles_storage_failures_total"));

        await using var azurite = await cluster.Azurite.RestartAsync();
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(silo, "health/ready"));

        var key = cluster.Azurite.ConnectionString.Split(';').Single(p => p.StartsWith("AccountKey=", StringComparison.Ordinal))["AccountKey=".Length..];
        Assert.DoesNotContain(key, silo.Process.StandardOutput + silo.Process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_count_uploads_commits_staged_bytes_and_pulls()
    {
        using var data = new TempDirectory("e2e-metrics");
        await using var silo = await SiloProcess.StartAsync(data.Path);
        using var ws1 = new Workstation("ws1", silo.Gateway);
        using var ws2 = new Workstation("ws2", silo.Gateway);
        ws1.Write("NTUSER.DAT", TestData.HiveLike(10, seed: 1000));
        await ws1.Agent.SucceedAsync("push", "--user", @"contoso\quinn", "--path", ws1.Profile);
        await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\quinn", "--path", ws2.Profile);

        var (status, metrics) = await GetAsync(silo, "metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, Counter(metrics, "profiles_uploads_begun_total"));
        Assert.Equal(1, Counter(metrics, "profiles_commits_total"));
        Assert.Equal(10 * TestData.PageSize, Counter(metrics, "profiles_chunks_staged_bytes_total"));
        Assert.Equal(1, Counter(metrics, "profiles_snapshots_read_total"));
        Assert.Equal(10 * TestData.PageSize, Counter(metrics, "profiles_chunks_read_bytes_total"));
        Assert.Equal(0, Counter(metrics, "profiles_sessions_open"));
    }

    [Fact]
    public async Task The_Orleans_Dashboard_is_served_only_when_enabled()
    {
        using var data = new TempDirectory("e2e-dashboard");
        var port = Programs.FreePort();
        await using var silo = await SiloProcess.StartAsync(data.Path, "--Dashboard:Enabled=true", $"--Dashboard:Port={port}");
        using var page = await Http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        using var plain = new TempDirectory("e2e-no-dashboard");
        await using var without = await SiloProcess.StartAsync(plain.Path);
        Assert.NotEqual(HttpStatusCode.OK, (await GetAsync(without, "")).Status);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(SiloProcess silo, string path)
    {
        using var response = await Http.GetAsync(new Uri(silo.HealthUri, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The value of a metric in Prometheus' text format (its first series), or 0 when it was never recorded.</summary>
    private static double Counter(string exposition, string name)
    {
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal));
        if (line is null)
        {
            return 0;
        }

        var value = line[(line.IndexOf('}') is var brace and >= 0 ? brace + 1 : name.Length)..].Trim().Split(' ')[0];
        return double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
