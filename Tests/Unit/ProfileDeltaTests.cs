using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>The delta codec: a manifest and its changed chunks against a base, rebuilt and checked by hash.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ProfileDeltaTests
{
    [Fact]
    public async Task An_edited_hive_travels_as_its_changed_positions_compressed_against_the_base_pages_and_rebuilds_exactly()
    {
        var v1 = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(200, seed: 4100)), ("AppData\\Roaming\\a.txt", TestData.RandomBytes(5000, seed: 4101)));
        var v2 = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.EditPages(v1.Files["NTUSER.DAT"], [3, 90, 150], seed: 4102)), ("AppData\\Roaming\\b.txt", TestData.RandomBytes(100, seed: 4103)));

        var encoded = ProfileDelta.Encode(v1.Manifest, v2.Manifest, Both(v1, v2));
        var delta = ProfileDelta.Read(encoded, v1.Manifest);
        var (files, chunks) = delta.Rebuild(v1.Chunks);

        // Three pages of 16 changed bytes each, a removed file and a new 100-byte one: far less than one page.
        Assert.InRange(encoded.Length, 100, 400);
        Assert.Equal(4, delta.PayloadChunks);
        Assert.Equal(3, delta.BaseChunks.Count);
        Assert.Equal(v2.ManifestHash, new ProfileManifest(files, []).ComputeHash());
        Assert.All(v2.Manifest.Files.SelectMany(f => f.Chunks).Except(v1.Chunks.Keys), h => Assert.Equal(v2.Chunks[h], chunks[h]));
    }

    [Fact]
    public async Task A_chunk_whose_delta_is_larger_than_itself_travels_whole_and_needs_no_base_page()
    {
        // A random page overwritten with zeros: against its base it would cost the base's entropy, alone a few bytes.
        var hive = TestData.HiveLike(8, seed: 4110);
        var zeroed = (byte[])hive.Clone();
        Array.Clear(zeroed, 5 * TestData.PageSize, TestData.PageSize);
        var v1 = await UploadContent.CreateAsync(("NTUSER.DAT", hive));
        var v2 = await UploadContent.CreateAsync(("NTUSER.DAT", zeroed));

        var encoded = ProfileDelta.Encode(v1.Manifest, v2.Manifest, Both(v1, v2));
        var delta = ProfileDelta.Read(encoded, v1.Manifest);

        Assert.Empty(delta.BaseChunks);
        var (files, _) = delta.Rebuild(new Dictionary<ContentHash, byte[]>());
        Assert.Equal(v2.ManifestHash, new ProfileManifest(files, []).ComputeHash());
    }

    [Fact]
    public async Task A_changed_chunk_without_its_bytes_travels_as_its_hash()
    {
        var v1 = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(8, seed: 4120)));
        var v2 = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.EditPages(v1.Files["NTUSER.DAT"], [2], seed: 4121)));

        var delta = ProfileDelta.Read(ProfileDelta.Encode(v1.Manifest, v2.Manifest, new Dictionary<ContentHash, byte[]>()), v1.Manifest);
        var (files, chunks) = delta.Rebuild(new Dictionary<ContentHash, byte[]>());

        Assert.Equal((0, 0), (delta.PayloadChunks, chunks.Count));
        Assert.Equal(v2.ManifestHash, new ProfileManifest(files, []).ComputeHash());
    }

    [Fact]
    public async Task A_damaged_delta_is_refused_with_its_typed_error_or_rebuilds_to_another_manifest()
    {
        var v1 = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(16, seed: 4130)));
        var v2 = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.EditPages(v1.Files["NTUSER.DAT"], [4, 9], seed: 4131)));
        var encoded = ProfileDelta.Encode(v1.Manifest, v2.Manifest, Both(v1, v2));

        Assert.Throws<DeltaRejectedException>(() => ProfileDelta.Read(encoded.AsSpan(0, encoded.Length - 3), v1.Manifest));
        Assert.Throws<DeltaRejectedException>(() => ProfileDelta.Read("OPDX"u8.ToArray(), v1.Manifest));
        for (var at = 6; at < encoded.Length; at++)
        {
            var damaged = (byte[])encoded.Clone();
            damaged[at] ^= 0x40;
            try
            {
                var (files, _) = ProfileDelta.Read(damaged, v1.Manifest).Rebuild(v1.Chunks);
                Assert.NotEqual(v2.ManifestHash, new ProfileManifest(files, []).ComputeHash());
            }
            catch (Exception ex) when (ex is DeltaRejectedException or InvalidManifestException)
            {
            }
        }
    }

    private static Dictionary<ContentHash, byte[]> Both(UploadContent a, UploadContent b)
        => a.Chunks.Concat(b.Chunks).DistinctBy(c => c.Key).ToDictionary(c => c.Key, c => c.Value);
}
