using Microsoft.Extensions.Options;
using Orleans.Profiles.Local;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

public sealed class LocalManifestStoreTests : IDisposable
{
    private static readonly ProfileKey Profile = ProfileKey.Parse("CONTOSO\\Alice");
    private static readonly ManifestName Name = ManifestName.ForSnapshot(12);

    private readonly TempDirectory _data = new("manifests");

    public void Dispose() => _data.Dispose();

    private string ManifestFile => _data.Combine("profiles", "contoso%5calice", "manifests", "snapshot-0000000012.manifest");

    [Fact]
    public async Task A_written_manifest_reads_back_equal_from_its_own_file()
    {
        var manifest = await SampleAsync();

        await NewStore().WriteAsync(Profile, Name, manifest);
        var read = await NewStore().ReadAsync(Profile, Name);

        Assert.NotNull(read);
        ManifestAssert.Equal(manifest, read);
        Assert.Equal(["profiles/contoso%5calice/manifests/snapshot-0000000012.manifest"], _data.Files());
        Assert.Equal(ManifestCodec.Encode(manifest), await File.ReadAllBytesAsync(ManifestFile));
    }

    [Fact]
    public async Task A_rewrite_replaces_the_manifest_and_leaves_no_temporary_file()
    {
        await NewStore().WriteAsync(Profile, Name, ProfileManifest.Empty);
        var manifest = await SampleAsync();

        await NewStore().WriteAsync(Profile, Name, manifest);

        ManifestAssert.Equal(manifest, (await NewStore().ReadAsync(Profile, Name))!);
        Assert.Single(_data.Files());
    }

    [Fact]
    public async Task A_missing_manifest_reads_as_null_and_a_damaged_one_is_refused()
    {
        Assert.Null(await NewStore().ReadAsync(Profile, Name));

        await NewStore().WriteAsync(Profile, Name, await SampleAsync());
        var bytes = await File.ReadAllBytesAsync(ManifestFile);
        await File.WriteAllBytesAsync(ManifestFile, bytes[..(bytes.Length / 2)]);

        await Assert.ThrowsAsync<InvalidManifestException>(() => NewStore().ReadAsync(Profile, Name));
    }

    [Fact]
    public async Task Delete_removes_the_manifest_and_may_be_repeated()
    {
        await NewStore().WriteAsync(Profile, Name, await SampleAsync());
        await NewStore().WriteAsync(Profile, ManifestName.ForSession(Guid.Empty), ProfileManifest.Empty);

        await NewStore().DeleteAsync(Profile, Name);
        await NewStore().DeleteAsync(Profile, Name);

        Assert.Null(await NewStore().ReadAsync(Profile, Name));
        Assert.Equal(["profiles/contoso%5calice/manifests/session-00000000000000000000000000000000.manifest"], _data.Files());
    }

    private LocalManifestStore NewStore() => new(Options.Create(new LocalStorageOptions { DataDirectory = _data.Path }));

    private static async Task<ProfileManifest> SampleAsync()
    {
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(20, seed: 1)), ("AppData\\Roaming\\x.txt", TestData.RandomBytes(1000, seed: 2)));
        var pack = Guid.NewGuid();
        return content.Manifest.WithLocations([.. content.DistinctChunks.Select((h, i) => new ChunkLocation(h, pack, 40 + (i * 4136L), content.Chunks[h].Length))]);
    }
}
