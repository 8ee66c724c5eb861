using Azure.Storage.Blobs;
using Orleans.Profiles.Benchmarks.Support;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.EndToEnd;
using static Orleans.Profiles.Benchmarks.FigureReport;

namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>
/// Storage requests and bytes per logon and logoff in Azure mode, counted by an HTTP proxy in front of Azurite's blob
/// endpoint: what a storage account's request limit and bill see, and the inputs of the capacity plan. Beside it the
/// raw SDK storing and reading the same files as one blob each, through the same proxy.
/// </summary>
public sealed class StorageOperationsFigure : IFigure
{
    private const string ClusterId = "storage-figure";
    private const int OtherFiles = 24;
    private const int OtherFileBytes = 10 * 1024;

    public string Name => "storage";

    public string Title => "Storage requests and bytes per logon and logoff (Azure mode)";

    public int Order => 45;

    public async Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var azurite = await context.AzuriteAsync(cancellationToken);
        await using var counter = new StorageRequestCounter(azurite.BlobPort);
        // A cluster of its own: Azurite is shared with the other Azure-mode figures, whose silos left their membership rows.
        var silo = await SiloProcess.StartAsync(context.NewDirectory("storage-silo"), "--storage", "azure", "--azure-connection-string", azurite.ConnectionStringThrough(counter.Port), "--cluster-id", ClusterId);
        try
        {
            return await MeasureAsync(context, azurite, counter, silo, restart: async () => silo = await silo.CrashAndRestartAsync(), cancellationToken);
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    private async Task<FigureReport> MeasureAsync(FigureContext context, Azurite azurite, StorageRequestCounter counter, SiloProcess silo, Func<Task> restart, CancellationToken cancellationToken)
    {
        var pair = context.HivePairs[0];
        var machineA = NewFolder(context, pair.BasePath);
        var machineB = context.NewDirectory("storage-b");
        var gateway = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, silo.GatewayPort);
        await using var a = new SyncClient(gateway, "WS-A", context.NewDirectory("state-WS-A"), ClusterId);
        await using var b = new SyncClient(gateway, "WS-B", context.NewDirectory("state-WS-B"), ClusterId);
        var user = ProfileKey.Parse(@"CONTOSO\storage");
        var profileBytes = Directory.EnumerateFiles(machineA).Sum(f => new FileInfo(f).Length);

        var rows = new List<IReadOnlyList<string>>();
        async Task<StorageRequests> Measure(string operation, Func<Task<string>> run)
        {
            var before = counter.Read();
            var what = await run();
            var cost = counter.Read().Since(before);
            rows.Add([operation, what, cost.Describe(), Bytes(cost.BytesToStorage), Bytes(cost.BytesFromStorage)]);
            context.Log.WriteLine($"storage: {operation}: {cost.Describe()}");
            return cost;
        }

        // A status call first, so the silo's own start-up traffic and the first activation are not billed to a logon.
        await a.Sync.GetStatusAsync(ProfileKey.Parse(@"CONTOSO\warm-up"), cancellationToken);
        var firstPush = await Measure("first logoff (new profile)", async () => Sent(await a.Sync.PushAsync(user, machineA, null, cancellationToken)));
        var firstPull = await Measure("first logon on another machine", async () => Fetched(await b.Sync.PullAsync(user, machineB, 0, force: false, null, cancellationToken)));
        File.Copy(pair.EditedPath, Path.Combine(machineA, "NTUSER.DAT"), overwrite: true);
        var editPush = await Measure("logoff after an edited hive", async () => Sent(await a.Sync.PushAsync(user, machineA, null, cancellationToken)));
        // Overnight the grains are deactivated: the next morning's logon activates the profile again.
        await restart();
        await a.Sync.GetStatusAsync(ProfileKey.Parse(@"CONTOSO\warm-up"), cancellationToken);
        var editPull = await Measure("next morning's logon onto the previous snapshot (grain activated again)", async () => Fetched(await b.Sync.PullAsync(user, machineB, 0, force: false, null, cancellationToken)));
        var unchanged = await Measure("logoff with nothing changed", async () => Sent(await a.Sync.PushAsync(user, machineA, null, cancellationToken)));
        var check = await Measure("status check (pre-fetch's periodic check)", async () => $"snapshot {(await b.Sync.GetStatusAsync(user, cancellationToken)).Current?.Number}");

        // The raw SDK: each file one blob, written and read back through the same proxy.
        var container = new BlobServiceClient(azurite.ConnectionStringThrough(counter.Port)).GetBlobContainerClient("raw-storage");
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var rawUpload = await Measure("raw SDK: upload every file as a blob", async () =>
        {
            foreach (var file in Directory.EnumerateFiles(machineA))
            {
                await container.GetBlobClient(Path.GetFileName(file)).UploadAsync(file, cancellationToken);
            }

            return $"{Directory.EnumerateFiles(machineA).Count()} files, {Bytes(profileBytes)}";
        });
        var rawDownload = await Measure("raw SDK: download every blob", async () =>
        {
            var to = context.NewDirectory("storage-raw");
            foreach (var file in Directory.EnumerateFiles(machineA))
            {
                await container.GetBlobClient(Path.GetFileName(file)).DownloadToAsync(Path.Combine(to, Path.GetFileName(file)), cancellationToken);
            }

            return $"{Directory.EnumerateFiles(to).Count()} files";
        });

        // What the user's profile takes in the account after the day: packs, manifests, grain state.
        var service = new BlobServiceClient(azurite.ConnectionString);
        long stored = 0;
        await foreach (var item in service.GetBlobContainersAsync(cancellationToken: cancellationToken))
        {
            await foreach (var blob in service.GetBlobContainerClient(item.Name).GetBlobsAsync(cancellationToken: cancellationToken))
            {
                stored += blob.Name.Contains(user.StorageName, StringComparison.OrdinalIgnoreCase) ? blob.Properties.ContentLength ?? 0 : 0;
            }
        }

        return new FigureReport(this)
            .Table(["operation", "moved", "storage requests", "bytes to storage", "bytes from storage"], rows)
            .Paragraph($"Stored for the user after these two snapshots (packs, manifests, grain state): {Bytes(stored)}, for a profile of {Bytes(profileBytes)}.")
            .Paragraph($"One silo process in Azure mode on Azurite; an HTTP proxy in front of the blob endpoint counts each request (method, and the `comp=` operation) and the bytes both ways, heads included. "
                + $"The profile: {pair.Name} as NTUSER.DAT plus {OtherFiles} files of {OtherFileBytes / 1024} KiB, {Bytes(profileBytes)} in all; two machines (in-process sync clients, as the agent runs them). "
                + "Grain state (profile state, the directory partition it is listed in) is in blob storage too and counted; clustering is in table storage and not counted. Before the morning's logon the silo was killed and started again, so that logon activates the profile (and reads its state) as after a night; "
                + "the status check finds the grain active. The raw SDK rows store and read the same files, one blob per file, with nothing kept of history, verification or deltas.")
            .Paragraph($"Per user and working day (one logon on another machine onto the previous snapshot, one logoff after an edit, and a status check every 5 minutes for 8 hours by each of 2 machines): "
                + $"{editPull.Total + editPush.Total} requests for the logon and logoff, plus {check.Total * 2 * 96} for the checks "
                + $"(a status check is a grain call; {(check.Total == 0 ? "it reaches storage only when the grain must be activated" : "it reached storage")}). "
                + $"Raw blobs would cost {rawUpload.Total} and {rawDownload.Total} requests for the same logoff and logon. "
                + $"For reference: a first logoff cost {firstPush.Total}, a first logon {firstPull.Total}, an unchanged logoff {unchanged.Total}.");
    }

    private static string NewFolder(FigureContext context, string hive)
    {
        var folder = context.NewDirectory("storage-a");
        File.Copy(hive, Path.Combine(folder, "NTUSER.DAT"));
        var random = new Random(5);
        for (var i = 0; i < OtherFiles; i++)
        {
            var text = new byte[OtherFileBytes];
            for (var j = 0; j < text.Length; j++)
            {
                text[j] = (byte)(j % 64 == 63 ? '\n' : 'a' + random.Next(26));
            }

            File.WriteAllBytes(Path.Combine(folder, $"settings-{i:00}.ini"), text);
        }

        return folder;
    }

    private static string Sent(PushResult push) => push.Unchanged ? "nothing (unchanged)" : $"{push.ChunksSent} of {push.TotalChunks} chunks" + (push.DeltaBase > 0 ? $", delta against {push.DeltaBase}" : "");

    private static string Fetched(PullResult pull) => $"{pull.FilesWritten} files written, {pull.ChunksFetched} chunks" + (pull.DeltaBase > 0 ? $", delta against {pull.DeltaBase}" : "");
}
