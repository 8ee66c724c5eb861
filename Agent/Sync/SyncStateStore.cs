using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orleans.Profiles.Sync;

/// <summary>The agent's record of what it last synced, one small JSON file per user and local path, replaced atomically.</summary>
public sealed class SyncStateStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<SyncRecord?> LoadAsync(ProfileKey profile, string localPath, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(PathOf(profile, localPath));
            return await JsonSerializer.DeserializeAsync<SyncRecord>(stream, Json, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // A damaged record only costs the conflict check and the delta base; it must not block a logon.
            return null;
        }
    }

    public Task SaveAsync(SyncRecord record, CancellationToken cancellationToken)
        => AtomicFile.WriteAsync(
            PathOf(ProfileKey.ParseNormalized(record.Profile), record.LocalPath),
            (stream, ct) => new ValueTask(JsonSerializer.SerializeAsync(stream, record, Json, ct)),
            cancellationToken);

    private string PathOf(ProfileKey profile, string localPath)
    {
        var full = Path.GetFullPath(localPath);
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(OperatingSystem.IsWindows() ? full.ToUpperInvariant() : full)))[..24];
        return Path.Combine(directory, profile.StorageName, $"{id}.json");
    }
}
