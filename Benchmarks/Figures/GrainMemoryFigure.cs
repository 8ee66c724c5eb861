using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Orleans.Profiles.Benchmarks.Support;
using Orleans.Profiles.Tests.EndToEnd;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// What an idle profile grain holds in memory: N profiles (<c>--activations</c>, default 10,000) each with a committed
/// small snapshot, activated again by a status call in a fresh in-process silo (their state read from local storage),
/// beside N activations of a bare grain in the same silo; the managed heap after a full blocking GC, per grain.
/// </summary>
public sealed class GrainMemoryFigure : IFigure
{
    private const int Concurrency = 64;

    /// <summary>Commits wait on storage flushes, not the CPU: more of them at once share the directory's writes.</summary>
    private const int CommitConcurrency = 256;
    private const int Limit = 8 * 1024;
    private const string Machine = "WS-MEMORY";

    public string Name => "memory";

    public string Title => "Memory per idle activated profile grain";

    public int Order => 60;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var count = context.Settings.Activations;
        var data = context.NewDirectory("memory-data");
        var profiles = Enumerable.Range(0, count).Select(i => ProfileKey.Parse($@"CONTOSO\memory{i:000000}")).ToArray();

        // The snapshots are committed by one silo, then measured in another: what the commits left behind is gone.
        var clock = Stopwatch.StartNew();
        using (var writer = await StartSiloAsync(data, cancellationToken))
        {
            var grains = writer.Services.GetRequiredService<IGrainFactory>();
            await ForEachAsync(profiles, key => CommitAsync(grains, key), cancellationToken, CommitConcurrency);
            await writer.StopAsync(cancellationToken);
        }

        var committed = clock.Elapsed;
        context.Log.WriteLine($"memory: {count} snapshots committed in {committed.TotalSeconds:0.0} s");

        using var silo = await StartSiloAsync(data, cancellationToken);
        var factory = silo.Services.GetRequiredService<IGrainFactory>();
        var management = factory.GetGrain<IManagementGrain>(0);

        // Warm both paths (types loaded, code jitted, the directory partitions active) on grains not measured.
        await ForEachAsync(Enumerable.Range(0, 64).ToArray(), i => factory.GetGrain<IBareGrain>($"warm{i}").Touch(), cancellationToken);
        await ForEachAsync(Enumerable.Range(0, 64).ToArray(), i => factory.GetProfile(ProfileKey.Parse($@"CONTOSO\warm{i}")).GetStatus(), cancellationToken);

        var (heap0, active0) = (Heap(), await management.GetTotalActivationCount());
        await ForEachAsync(Enumerable.Range(0, count).ToArray(), i => factory.GetGrain<IBareGrain>($"bare{i:000000}").Touch(), cancellationToken);
        var (heap1, active1) = (Heap(), await management.GetTotalActivationCount());
        await ForEachAsync(profiles, async key =>
        {
            var status = await factory.GetProfile(key).GetStatus();
            if (status.Current?.Number != 1)
            {
                throw new InvalidOperationException($"{key}: its committed snapshot was not read back ({status.Current?.Number.ToString() ?? "none"}).");
            }
        }, cancellationToken);
        var (heap2, active2) = (Heap(), await management.GetTotalActivationCount());
        await silo.StopAsync(cancellationToken);

        var bare = (double)(heap1 - heap0) / count;
        var profile = (double)(heap2 - heap1) / count;
        context.Log.WriteLine($"memory: bare {bare:0} B, profile {profile:0} B per grain (managed heap); activations {active0} → {active1} → {active2}");
        return new FigureReport(this)
            .Table(["grains", "activations added", "managed heap after full GC, per grain", "profile / bare"],
            [
                [$"{Number(count)} bare grains (no state)", Number(active1 - active0), Bytes((long)bare), Ratio(1)],
                [$"{Number(count)} profile grains, a committed snapshot each, activated by `GetStatus`", Number(active2 - active1), Bytes((long)profile), Ratio(profile / bare)],
            ])
            .Paragraph($"One in-process silo on local storage. {Number(count)} profiles each got a snapshot of one small file through the upload grain calls an agent makes (in {committed.TotalSeconds:0} s, by another silo over the same data folder, stopped before this one started); "
                + "this silo then activated the bare grains, then the profile grains, each by one call, and the managed heap (`GC.GetTotalMemory` after a full blocking compacting collection) was read before and after each set. "
                + "The profile grains' figure includes what their activations make the silo hold besides them (the directory partitions they announce themselves to, grain state, catalog entries). "
                + "The process's working set is not shown: it moves in pages the GC keeps or returns at its own pace (the stopped silo's among them).")
            .Target(new TargetCheck($"idle profile grain ≤ 8 KB ({Number(Limit)} B) of managed heap", profile, Limit, Unit: "B"));
    }

    private static async Task<IHost> StartSiloAsync(string data, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(Programs.FreePort(), Programs.FreePort())
            .AddProfileStore()
            .UseLocalProfileStorage(o => o.DataDirectory = data));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    /// <summary>A one-file snapshot, committed the way an agent's first push does (begin, put, commit).</summary>
    private static async Task CommitAsync(IGrainFactory grains, ProfileKey key)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($"[Settings]\r\nUser={key.Value}\r\nTheme=Contoso\r\n");
        var file = await ProfileChunker.HashAsync("settings.ini", new MemoryStream(bytes));
        var manifest = ProfileManifest.ForUpload([file]);
        var hash = manifest.ComputeHash();
        var upload = grains.GetProfileUpload(key);
        var request = new BeginUploadRequest(BeginUploadRequest.DeriveSessionId(hash, 0, Machine), manifest, hash, 0, Machine);
        var begun = await upload.BeginUpload(request);
        if (begun.Missing.Length > 0)
        {
            await upload.PutChunks(request.SessionId, [new ChunkPayload(file.Chunks[0], bytes)]);
        }

        await upload.CommitUpload(request.SessionId);
    }

    private static async Task ForEachAsync<T>(IReadOnlyList<T> items, Func<T, Task> action, CancellationToken cancellationToken, int concurrency = Concurrency)
        => await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (item, _) => await action(item));

    /// <summary>The managed heap once everything unreachable is gone (twice: finalizers can free more).</summary>
    private static long Heap()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
