using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Service;

/// <summary>The sweep's look for changes since the last sync: from the directory alone, through the profile filter.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class LocalChangesTests : IDisposable
{
    private static readonly ProfileKey Alice = ProfileKey.Parse(@"CONTOSO\alice");
    private readonly string _root = Directory.CreateTempSubdirectory("changes-").FullName;
    private readonly SyncStateStore _state;
    private readonly string _profile;

    public LocalChangesTests()
    {
        _state = new SyncStateStore(Path.Combine(_root, "state"));
        _profile = Path.Combine(_root, "alice");
        Write("NTUSER.DAT", 8192);
        Write(Path.Combine("AppData", "Roaming", "app.ini"), 100);
    }

    [Fact]
    public async Task A_folder_never_synced_has_changes_and_a_missing_one_has_none()
    {
        Assert.True(await LocalChanges.SinceLastSyncAsync(_state, Alice, _profile, ProfileFilter.Default, CancellationToken.None));
        Assert.False(await LocalChanges.SinceLastSyncAsync(_state, Alice, Path.Combine(_root, "nobody"), ProfileFilter.Default, CancellationToken.None));
    }

    [Fact]
    public async Task After_a_sync_only_an_added_removed_resized_or_rewritten_roaming_file_is_a_change()
    {
        await RecordSyncAsync();
        Assert.False(await Changed());

        // Files the profile leaves on the machine are not changes.
        Write(Path.Combine("AppData", "Local", "Temp", "cache.bin"), 5000);
        Assert.False(await Changed());

        Write(Path.Combine("AppData", "Roaming", "new.txt"), 10);
        Assert.True(await Changed());
        File.Delete(Path.Combine(_profile, "AppData", "Roaming", "new.txt"));
        Assert.False(await Changed());

        File.Delete(Path.Combine(_profile, "AppData", "Roaming", "app.ini"));
        Assert.True(await Changed());
        Write(Path.Combine("AppData", "Roaming", "app.ini"), 100);
        await RecordSyncAsync();
        Assert.False(await Changed());

        // The same length, written after the sync: a registry edit of the hive.
        File.WriteAllBytes(Path.Combine(_profile, "NTUSER.DAT"), TestData.RandomBytes(8192, seed: 1));
        Assert.True(await Changed());
    }

    private Task<bool> Changed() => LocalChanges.SinceLastSyncAsync(_state, Alice, _profile, ProfileFilter.Default, CancellationToken.None);

    private async Task RecordSyncAsync()
    {
        var files = LocalFile.Enumerate(_profile, ProfileFilter.Default)
            .Select(f => new SyncedFile(f.ProfilePath, new FileInfo(f.FullPath).Length, new string('0', 64)))
            .ToList();
        await _state.SaveAsync(new SyncRecord(Alice.Value, Path.GetFullPath(_profile), 1, new string('0', 64), files), CancellationToken.None);

        // Files are written before their sync record; make that visible on file systems with coarse times.
        foreach (var file in LocalFile.Enumerate(_profile, ProfileFilter.Default))
        {
            File.SetLastWriteTimeUtc(file.FullPath, DateTime.UtcNow.AddMinutes(-1));
        }
    }

    private void Write(string relative, int length)
    {
        var path = Path.Combine(_profile, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TestData.RandomBytes(length, seed: length));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
