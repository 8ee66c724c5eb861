using Microsoft.Extensions.Options;
using Orleans.Profiles.Local;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class LocalManifestStoreTests : IDisposable
{
    private static readonly ProfileKey Profile = ProfileKey.Parse("CONTOSO\\Alice");
    private static readonly ManifestName Name = ManifestName.ForSnapshot(12);

    private readonly TempDirectory _data = new("manifests");

    public void Dispose() => _data.Dispose();

    private string ManifestFile => _data.Combine("profiles", "contoso%5calice", "manifests", "snapshot-0000000012.manifest");

    [Fact]
    public async Task A_manifest_is_its_encoding_in_a_file_named_after_the_profile_and_the_name()
    {
        var manifest = await SampleAsync();

        await NewStore().WriteAsync(Profile, Name, manifest);

        Assert.Equal(["profiles/contoso%5calice/manifests/snapshot-0000000012.manifest"], _data.Files());
        Assert.Equal(ManifestCodec.Encode(manifest), await File.ReadAllBytesAsync(ManifestFile));
    }

    [Fact]
    public async Task A_rewrite_leaves_no_temporary_file()
    {
        await NewStore().WriteAsync(Profile, Name, ProfileManifest.Empty);
        var manifest = await SampleAsync();

        await NewStore().WriteAsync(Profile, Name, manifest);

        Assert.Equal(["profiles/contoso%5calice/manifests/snapshot-0000000012.manifest"], _data.Files());
        Assert.Equal(ManifestCodec.Encode(manifest), await File.ReadAllBytesAsync(ManifestFile));
    }

    private LocalManifestStore NewStore() => new(Options.Create(new LocalStorageOptions { DataDirectory = _data.Path }));

    private static async Task<ProfileManifest> SampleAsync()
    {
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(20, seed: 1)), ("AppData\\Roaming\\x.txt", TestData.RandomBytes(1000, seed: 2)));
        var pack = Guid.NewGuid();
        return content.Manifest.WithLocations([.. content.DistinctChunks.Select((h, i) => new ChunkLocation(h, pack, 40 + (i * 4136L), content.Chunks[h].Length))]);
    }
}
