using BenchmarkDotNet.Attributes;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>
/// The store's hot paths on one hive pair (<see cref="Pair"/>, set before BenchmarkDotNet runs this in process):
/// chunking, hashing, delta encoding and decoding, and the zstd frame whole chunks travel in.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet refuses sealed benchmark classes (BDN1002).</remarks>
[MemoryDiagnoser]
public class MicroBenchmarks
{
    private byte[] _base = [];
    private byte[] _edited = [];
    private ProfileManifest _baseManifest = ProfileManifest.Empty;
    private ProfileManifest _editedManifest = ProfileManifest.Empty;
    private Dictionary<ContentHash, byte[]> _chunks = [];
    private Dictionary<ContentHash, byte[]> _baseChunks = [];
    private byte[] _delta = [];
    private byte[] _frame = [];

    /// <summary>The hive pair measured: the base and the edited hive.</summary>
    public static HivePair? Pair { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var pair = Pair ?? throw new InvalidOperationException("MicroBenchmarks.Pair is not set.");
        _base = File.ReadAllBytes(pair.BasePath);
        _edited = File.ReadAllBytes(pair.EditedPath);
        _baseManifest = ProfileManifest.ForUpload([Chunk(_base)]);
        _editedManifest = ProfileManifest.ForUpload([Chunk(_edited)]);
        _baseChunks = Pages(_baseManifest, _base);
        _chunks = new Dictionary<ContentHash, byte[]>(_baseChunks);
        foreach (var (hash, bytes) in Pages(_editedManifest, _edited))
        {
            _chunks.TryAdd(hash, bytes);
        }

        _delta = ProfileDelta.Encode(_baseManifest, _editedManifest, _chunks);
        _frame = ChunkCompression.Compress(_edited, ChunkCompression.TransferLevel);
    }

    [Benchmark(Description = "chunk and hash the edited hive (ProfileChunker.HashAsync, 4 KiB pages)")]
    public Task<ManifestFile> ChunkHive() => ProfileChunker.HashAsync("NTUSER.DAT", new MemoryStream(_edited, writable: false));

    [Benchmark(Description = "SHA-256 of one 4 KiB chunk (ContentHash.Compute)")]
    public ContentHash HashChunk() => ContentHash.Compute(_edited.AsSpan(0, ProfileChunker.HivePageSize));

    [Benchmark(Description = "delta encode: edited hive against the base (ProfileDelta.Encode)")]
    public byte[] EncodeDelta() => ProfileDelta.Encode(_baseManifest, _editedManifest, _chunks);

    [Benchmark(Description = "delta decode: read and rebuild the changed pages from the base (ProfileDelta.Read + Rebuild)")]
    public int DecodeDelta() => ProfileDelta.Read(_delta, _baseManifest).Rebuild(_baseChunks).Chunks.Count;

    [Benchmark(Description = "compress the edited hive as one chunk frame (zstd level 6, ChunkCompression.Compress)")]
    public byte[] CompressHive() => ChunkCompression.Compress(_edited, ChunkCompression.TransferLevel);

    [Benchmark(Description = "decompress that frame (ChunkCompression.Decompress)")]
    public byte[] DecompressHive() => ChunkCompression.Decompress(_frame, _edited.Length);

    /// <summary>Sizes the report states beside the times: the file, the delta and the frame.</summary>
    public (long Hive, long Delta, long Frame, int ChangedPages) Sizes() => (_edited.Length, _delta.Length, _frame.Length, ProfileDelta.Changes(_baseManifest, _editedManifest).Count);

    private static ManifestFile Chunk(byte[] hive) => ProfileChunker.HashAsync("NTUSER.DAT", new MemoryStream(hive, writable: false)).GetAwaiter().GetResult();

    private static Dictionary<ContentHash, byte[]> Pages(ProfileManifest manifest, byte[] bytes)
    {
        var file = manifest.Files[0];
        var pages = new Dictionary<ContentHash, byte[]>();
        for (var i = 0; i < file.Chunks.Length; i++)
        {
            pages.TryAdd(file.Chunks[i], bytes.AsSpan(i * file.ChunkSize, file.ChunkLength(i)).ToArray());
        }

        return pages;
    }
}
