using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orleans.Profiles.Sync;

/// <summary>The agent's record of what it last synced, one small JSON file per user and local path, replaced atomically.</summary>
public sealed class SyncStateStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public Task<SyncRecord?> LoadAsync(ProfileKey profile, string localPath, CancellationToken cancellationToken)
        => ReadAsync<SyncRecord>(PathOf(profile, localPath, ".json"), cancellationToken);

    public Task<PendingPull?> LoadPendingAsync(ProfileKey profile, string localPath, CancellationToken cancellationToken)
        => ReadAsync<PendingPull>(PathOf(profile, localPath, ".pending.json"), cancellationToken);

    public Task SaveAsync(SyncRecord record, CancellationToken cancellationToken)
        => WriteAsync(PathOf(ProfileKey.ParseNormalized(record.Profile), record.LocalPath, ".json"), record, cancellationToken);

    public Task SavePendingAsync(PendingPull pending, CancellationToken cancellationToken)
        => WriteAsync(PathOf(ProfileKey.ParseNormalized(pending.Record.Profile), pending.Record.LocalPath, ".pending.json"), pending, cancellationToken);

    /// <summary>When this machine last pushed or pulled <paramref name="localPath"/> (its record was written), or null.</summary>
    public DateTime? SyncedAtUtc(ProfileKey profile, string localPath)
        => File.GetLastWriteTimeUtc(PathOf(profile, localPath, ".json")) is var at && at.Year > 1601 ? at : null;

    /// <summary>The folder of the delta base of this user and local path: the manifest last synced and its hives.</summary>
    internal DeltaBase DeltaBaseOf(ProfileKey profile, string localPath) => new(PathOf(profile, localPath, ".base"));

    public void DeletePending(ProfileKey profile, string localPath)
    {
        var path = PathOf(profile, localPath, ".pending.json");
        File.Delete(path);
        AtomicFile.FlushDirectory(Path.GetDirectoryName(path)!);
    }

    private static async Task<T?> ReadAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // Both files are replaced atomically; a damaged one (edited by hand) only costs the conflict
            // check and the delta base, or the roll-forward of an interrupted pull: it must not block a logon.
            return null;
        }
    }

    private static Task WriteAsync<T>(string path, T value, CancellationToken cancellationToken)
        => AtomicFile.WriteAsync(path, (stream, ct) => new ValueTask(JsonSerializer.SerializeAsync(stream, value, Json, ct)), cancellationToken);

    private string PathOf(ProfileKey profile, string localPath, string extension)
    {
        var full = Path.GetFullPath(localPath);
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(OperatingSystem.IsWindows() ? full.ToUpperInvariant() : full)))[..24];
        return Path.Combine(directory, profile.StorageName, id + extension);
    }
}
