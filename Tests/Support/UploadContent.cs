using System.Collections.Immutable;

namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// A profile held in memory, ready to push: its files, the upload manifest the chunker builds for
/// them, and the bytes of every chunk by hash.
/// </summary>
public sealed class UploadContent
{
    public const int DefaultBatchBytes = 1024 * 1024;
    public const string DefaultMachine = "WS-0001";

    private UploadContent(ProfileManifest manifest, IReadOnlyDictionary<string, byte[]> files, IReadOnlyDictionary<ContentHash, byte[]> chunks)
    {
        Manifest = manifest;
        ManifestHash = manifest.ComputeHash();
        Files = files;
        Chunks = chunks;
        DistinctChunks = [.. manifest.Files.SelectMany(f => f.Chunks).Distinct()];
    }

    public ProfileManifest Manifest { get; }

    public ContentHash ManifestHash { get; }

    /// <summary>File bytes by profile path.</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; }

    /// <summary>Chunk bytes by hash.</summary>
    public IReadOnlyDictionary<ContentHash, byte[]> Chunks { get; }

    /// <summary>Every distinct chunk, in manifest order (the order a begin reports them missing).</summary>
    public ImmutableArray<ContentHash> DistinctChunks { get; }

    /// <summary>Chunks and hashes the files the way an agent does (<see cref="ProfileChunker.HashAsync"/>).</summary>
    public static async Task<UploadContent> CreateAsync(params (string Path, byte[] Data)[] files)
    {
        var entries = new List<ManifestFile>();
        var chunks = new Dictionary<ContentHash, byte[]>();
        foreach (var (path, data) in files)
        {
            using var stream = new MemoryStream(data, writable: false);
            var file = await ProfileChunker.HashAsync(path, stream);
            for (var i = 0; i < file.Chunks.Length; i++)
            {
                chunks.TryAdd(file.Chunks[i], data.AsSpan(i * file.ChunkSize, file.ChunkLength(i)).ToArray());
            }

            entries.Add(file);
        }

        return new UploadContent(
            ProfileManifest.ForUpload(entries),
            files.ToDictionary(f => f.Path, f => f.Data, ProfilePath.Comparer),
            chunks);
    }

    /// <summary>The same chunk bytes under another (for example a doctored) manifest.</summary>
    public UploadContent WithManifest(ProfileManifest manifest) => new(manifest, Files, Chunks);

    /// <summary>A begin request for this content; by default with the session id an agent derives.</summary>
    public BeginUploadRequest Request(int baseSnapshot = 0, string machine = DefaultMachine, Guid? sessionId = null)
        => new(sessionId ?? BeginUploadRequest.DeriveSessionId(ManifestHash, baseSnapshot, machine), Manifest, ManifestHash, baseSnapshot, machine);

    public ChunkPayload Payload(ContentHash hash) => new(hash, Chunks[hash]);

    /// <summary>The chunks in batches of at most <paramref name="maxBytes"/> (a bigger chunk goes alone).</summary>
    public IEnumerable<ImmutableArray<ChunkPayload>> Batches(IEnumerable<ContentHash> hashes, int maxBytes = DefaultBatchBytes)
    {
        var batch = ImmutableArray.CreateBuilder<ChunkPayload>();
        long bytes = 0;
        foreach (var hash in hashes)
        {
            var payload = Payload(hash);
            if (batch.Count > 0 && bytes + payload.Data.Length > maxBytes)
            {
                yield return batch.ToImmutable();
                batch.Clear();
                bytes = 0;
            }

            batch.Add(payload);
            bytes += payload.Data.Length;
        }

        if (batch.Count > 0)
        {
            yield return batch.ToImmutable();
        }
    }
}
