using System.Collections.Immutable;

namespace Orleans.Profiles;

/// <summary>
/// A batch of whole chunks as one Zstandard frame of their bytes end to end (<see cref="ChunkCompression"/>): compressing a
/// batch gains far more than compressing each 4 KiB page alone. Each chunk's length comes from the manifest; hashes are over
/// the uncompressed bytes.
/// </summary>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.CompressedChunks")]
public sealed record CompressedChunks(
    [property: Id(0)] ImmutableArray<ContentHash> Hashes,
    [property: Id(1)] byte[] Data)
{
    /// <summary>Compresses <paramref name="chunks"/> into one batch.</summary>
    public static CompressedChunks Of(IReadOnlyList<(ContentHash Hash, byte[] Data)> chunks, int level = ChunkCompression.TransferLevel)
    {
        var content = new byte[chunks.Sum(c => c.Data.Length)];
        var at = 0;
        foreach (var (_, data) in chunks)
        {
            data.CopyTo(content, at);
            at += data.Length;
        }

        return new([.. chunks.Select(c => c.Hash)], ChunkCompression.Compress(content, level));
    }

    /// <summary>The chunks' bytes, cut at <paramref name="lengths"/> (the lengths the receiver expects); throws <see cref="DeltaRejectedException"/> when the frame is not exactly that.</summary>
    public ImmutableArray<byte[]> Unpack(IReadOnlyList<int> lengths)
    {
        var content = ChunkCompression.Decompress(Data ?? [], checked(lengths.Sum()));
        var result = ImmutableArray.CreateBuilder<byte[]>(lengths.Count);
        var at = 0;
        foreach (var length in lengths)
        {
            result.Add(content.AsSpan(at, length).ToArray());
            at += length;
        }

        return result.MoveToImmutable();
    }
}
