using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Orleans.Profiles.Local;

/// <summary>
/// Orleans grain storage on local files: one file per grain, replaced atomically (temp, fsync,
/// rename). The file starts with a version number that serves as the ETag, so a stale writer (a
/// second activation after a crash) is refused with <see cref="InconsistentStateException"/>.
/// </summary>
public sealed partial class LocalFileGrainStorage(
    string name,
    IOptions<LocalStorageOptions> options,
    IGrainStorageSerializer serializer,
    ILogger<LocalFileGrainStorage> logger) : IGrainStorage
{
    private const int VersionSize = sizeof(long);

    private readonly string _directory = Path.Combine(options.Value.GrainStateDirectory, StorageNames.Encode(name));

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await ReadAsync(PathOf(stateName, grainId));
        if (stored is { } file)
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(file.Payload));
            grainState.ETag = file.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var version = await CheckETagAsync(path, grainState.ETag) + 1;
        var payload = serializer.Serialize(grainState.State).ToMemory();
        await AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            var header = new byte[VersionSize];
            BinaryPrimitives.WriteInt64LittleEndian(header, version);
            await stream.WriteAsync(header, ct);
            await stream.WriteAsync(payload, ct);
        });
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        LogWritten(logger, grainId, version);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        await CheckETagAsync(path, grainState.ETag);
        File.Delete(path);
        AtomicFile.FlushDirectory(Path.GetDirectoryName(path)!);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private static async Task<long> CheckETagAsync(string path, string? etag)
    {
        var stored = await ReadAsync(path);
        var storedETag = stored?.Version.ToString(CultureInfo.InvariantCulture);
        return storedETag == etag
            ? stored?.Version ?? 0
            : throw new InconsistentStateException($"The state file {path} changed since it was read.", storedETag, etag);
    }

    private static async Task<(long Version, byte[] Payload)?> ReadAsync(string path)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return bytes.Length >= VersionSize
            ? (BinaryPrimitives.ReadInt64LittleEndian(bytes), bytes[VersionSize..])
            : throw new InvalidDataException($"The state file {path} is shorter than its header.");
    }

    private string PathOf(string stateName, GrainId grainId)
        => Path.Combine(_directory, StorageNames.Encode(stateName), StorageNames.Encode(grainId.ToString()) + ".state");

    [LoggerMessage(Level = LogLevel.Trace, Message = "Wrote state of {GrainId} at version {Version}")]
    private static partial void LogWritten(ILogger logger, GrainId grainId, long version);
}
