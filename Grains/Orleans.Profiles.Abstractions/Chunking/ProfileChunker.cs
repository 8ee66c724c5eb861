using System.Buffers;
using System.Collections.Immutable;
using System.Security.Cryptography;

namespace Orleans.Profiles;

/// <summary>
/// Splits files into fixed-size chunks and hashes them in one streaming pass. Registry hives and
/// their logs change in place, page by page, so they are cut at the 4 KiB page size; other files
/// use larger chunks to keep manifests small.
/// </summary>
public static class ProfileChunker
{
    public const int HivePageSize = 4 * 1024;
    public const int DefaultChunkSize = 64 * 1024;
    public const int MinChunkSize = 4 * 1024;
    public const int MaxChunkSize = 4 * 1024 * 1024;
    private const int ReadBufferSize = 1024 * 1024;

    /// <summary>The chunk size for a file that starts with <paramref name="header"/>.</summary>
    public static int ChooseChunkSize(ReadOnlySpan<byte> header)
        => header.StartsWith("regf"u8) ? HivePageSize : DefaultChunkSize;

    public static bool IsValidChunkSize(int size)
        => size is >= MinChunkSize and <= MaxChunkSize && int.IsPow2(size);

    /// <summary>Hashes a stream into a manifest entry, reading it once and holding one buffer.</summary>
    /// <param name="chunkSize">A fixed chunk size, or null to choose from the file's first bytes.</param>
    public static async Task<ManifestFile> HashAsync(string path, Stream content, int? chunkSize = null, CancellationToken cancellationToken = default)
    {
        if (chunkSize is { } fixedSize && !IsValidChunkSize(fixedSize))
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), fixedSize, "A chunk size is a power of two from 4 KiB to 4 MiB.");
        }

        // A whole number of chunks: chunks over 1 MiB need a read buffer of their own size.
        var readSize = Math.Max(ReadBufferSize, chunkSize ?? 0);
        var buffer = ArrayPool<byte>.Shared.Rent(readSize);
        try
        {
            using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var chunks = ImmutableArray.CreateBuilder<ContentHash>();
            long length = 0;
            var filled = await FillAsync(content, buffer, readSize, cancellationToken);
            var size = chunkSize ?? ChooseChunkSize(buffer.AsSpan(0, filled));

            // The read buffer is a whole number of chunks, so only the file's last chunk is short.
            while (filled > 0)
            {
                var span = buffer.AsSpan(0, filled);
                fileHash.AppendData(span);
                for (var offset = 0; offset < filled; offset += size)
                {
                    chunks.Add(ContentHash.Compute(span.Slice(offset, Math.Min(size, filled - offset))));
                }

                length += filled;
                filled = await FillAsync(content, buffer, readSize, cancellationToken);
            }

            return new ManifestFile(path, length, ContentHash.FromBytes(fileHash.GetHashAndReset()), size, chunks.ToImmutable());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads until the first <paramref name="size"/> bytes of the buffer are full or the stream ends.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, int size, CancellationToken cancellationToken)
        => await content.ReadAtLeastAsync(buffer.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken);
}
