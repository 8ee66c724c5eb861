using System.Collections.Immutable;

namespace Orleans.Profiles.Tests.Support;

/// <summary>Pushes and pulls through the grains the way the agent does.</summary>
public static class ProfileUploads
{
    /// <summary>Sends <paramref name="hashes"/> in ~1 MiB batches; returns the missing count the last put reported.</summary>
    public static async Task<int> PutAsync(IProfileUploadGrain upload, Guid sessionId, UploadContent content, IEnumerable<ContentHash> hashes)
    {
        var remaining = -1;
        foreach (var batch in content.Batches(hashes))
        {
            remaining = await upload.PutChunks(sessionId, batch);
        }

        return remaining;
    }

    /// <summary>Begins, sends every missing chunk and commits.</summary>
    public static async Task<CommitResult> PushAsync(IGrainFactory grains, ProfileKey key, UploadContent content, int baseSnapshot = 0, string machine = UploadContent.DefaultMachine)
    {
        var upload = grains.GetProfileUpload(key);
        var request = content.Request(baseSnapshot, machine);
        var status = await upload.BeginUpload(request);
        if (status.Missing.Length > 0)
        {
            var remaining = await PutAsync(upload, request.SessionId, content, status.Missing);
            if (remaining != 0)
            {
                throw new InvalidOperationException($"{remaining} chunk(s) still missing after every missing chunk was sent.");
            }
        }

        return await upload.CommitUpload(request.SessionId);
    }

    /// <summary>Reads every file of <paramref name="manifest"/> through the chunk reader, verifying nothing: the caller compares.</summary>
    public static async Task<IReadOnlyDictionary<string, byte[]>> ReadFilesAsync(IGrainFactory grains, ProfileKey key, ProfileManifest manifest, int maxReadBytes = UploadContent.DefaultBatchBytes)
    {
        var reader = grains.GetChunkReader(key);
        var locations = manifest.Locations.ToDictionary(l => l.Hash);
        var files = new Dictionary<string, byte[]>(ProfilePath.Comparer);
        foreach (var file in manifest.Files)
        {
            using var bytes = new MemoryStream();
            foreach (var batch in file.Chunks.Chunk(Math.Max(1, maxReadBytes / file.ChunkSize)))
            {
                foreach (var chunk in await reader.ReadChunks([.. batch.Select(h => locations[h])]))
                {
                    bytes.Write(chunk);
                }
            }

            files.Add(file.Path, bytes.ToArray());
        }

        return files;
    }
}
