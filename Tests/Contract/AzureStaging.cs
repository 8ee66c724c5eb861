using System.Buffers.Binary;
using System.Security.Cryptography;
using Azure.Storage.Blobs.Specialized;
using Orleans.Profiles.AzureStorage;

namespace Orleans.Profiles.Tests.Contract;

/// <summary>The Azure pack store's staging, done by hand: to leave the states a crash leaves.</summary>
internal static class AzureStaging
{
    public static string PackBlobName(ProfileKey profile, Guid session) => ProfileBlobContainer.BlobName(profile, "packs", $"{session:N}.pack");

    public static string IndexBlobName(ProfileKey profile, Guid session) => ProfileBlobContainer.BlobName(profile, "staging", $"{session:N}.index");

    /// <summary>The id the store gives a batch's block: the SHA-256 of its chunk list (hash, then length, per chunk).</summary>
    public static string BlockId(IReadOnlyList<ChunkPayload> batch)
    {
        var list = new byte[batch.Count * (ContentHash.Size + sizeof(int))];
        for (var i = 0; i < batch.Count; i++)
        {
            var entry = list.AsSpan(i * (ContentHash.Size + sizeof(int)));
            batch[i].Hash.WriteTo(entry);
            BinaryPrimitives.WriteInt32LittleEndian(entry[ContentHash.Size..], batch[i].Data.Length);
        }

        return Convert.ToBase64String(SHA256.HashData(list));
    }

    /// <summary>Stages the batch's block in the pack blob, as the store does, but writes no staging index record.</summary>
    public static async Task StageBlockOnlyAsync(AzureTestStorage storage, ProfileKey profile, Guid session, IReadOnlyList<ChunkPayload> batch)
    {
        await storage.Client.CreateIfNotExistsAsync();
        var blob = storage.Client.GetBlockBlobClient(PackBlobName(profile, session));
        await blob.StageBlockAsync(BlockId(batch), new MemoryStream([.. batch.SelectMany(c => c.Data)]));
    }
}
