namespace Orleans.Profiles.Sync;

/// <summary>Groups chunks into store calls of about <see cref="ProfileSyncOptions.BatchBytes"/>, counting only what crosses the network.</summary>
internal static class ChunkBatches
{
    public static IEnumerable<List<ContentHash>> Of(IEnumerable<ContentHash> hashes, int batchBytes, Func<ContentHash, int> networkBytes)
    {
        var batch = new List<ContentHash>();
        long size = 0;
        foreach (var hash in hashes)
        {
            var bytes = networkBytes(hash);
            if (batch.Count > 0 && size + bytes > batchBytes)
            {
                yield return batch;
                batch = [];
                size = 0;
            }

            batch.Add(hash);
            size += bytes;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
