using System.Diagnostics.Metrics;
using Orleans.Profiles.Telemetry;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Grains;

/// <summary><c>profiles.sessions.open</c> is what an operator watches for stuck uploads: it must count every open session of an active grain.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class SessionMetricsTests : ProfileStoreTestBase, IDisposable
{
    private readonly MeterListener _listener = new();
    private long _open;

    public SessionMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's silo: other test clusters in the process publish instruments of the same name.
            if (ReferenceEquals(instrument, Cluster.SiloService<ProfileStoreMetrics>().SessionsOpen))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _open, value));
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Sessions_reloaded_by_a_reactivated_grain_are_counted_and_a_commit_uncounts_them()
    {
        _listener.Start();
        var key = ProfileKey.Parse("CONTOSO\\Metered");
        var first = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(20, seed: 1)));
        var second = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(20, seed: 2)));
        var upload = Cluster.Upload(key);
        var one = first.Request();
        var two = second.Request(machine: "WS-0002");
        var begun = await upload.BeginUpload(one);
        await upload.BeginUpload(two);
        Assert.Equal(2, Interlocked.Read(ref _open));

        await Cluster.Cluster.DeactivateAsync(upload);
        Assert.Equal(0, Interlocked.Read(ref _open));

        // Any call reactivates the grain, which reloads both sessions from its state.
        await Cluster.Profile(key).GetStatus();
        Assert.Equal(2, Interlocked.Read(ref _open));

        await ProfileUploads.PutAsync(upload, one.SessionId, first, begun.Missing);
        await upload.CommitUpload(one.SessionId);
        Assert.Equal(1, Interlocked.Read(ref _open));

        await upload.AbortUpload(two.SessionId);
        Assert.Equal(0, Interlocked.Read(ref _open));
    }
}
