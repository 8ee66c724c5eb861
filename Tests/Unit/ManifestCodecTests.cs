using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ManifestCodecTests
{
    private static readonly ManifestFile Hive = new(
        "NTUSER.DAT", 3 * 4096 + 100, Hash("ntuser"), 4096, [Hash("c0"), Hash("c1"), Hash("c2"), Hash("c3")]);

    private static readonly ManifestFile Text = new(
        "AppData\\Roaming\\Caf\u00e9\\notes.txt", 70_000, Hash("notes"), 65536, [Hash("n0"), Hash("n1")]);

    private static readonly ManifestFile Empty = new("AppData\\empty.txt", 0, ContentHash.Compute([]), 65536, []);

    private static readonly ProfileManifest Committed = new(
        [Empty, Text, Hive],
        [
            new ChunkLocation(Hash("n0"), Guid.Parse("0b6f0d2c-5a55-4c83-9f43-6e2f9e1c1a01"), 40, 65536),
            new ChunkLocation(Hash("n1"), Guid.Parse("0b6f0d2c-5a55-4c83-9f43-6e2f9e1c1a01"), 65616, 4464),
            new ChunkLocation(Hash("c0"), Guid.Parse("8d3c1a8e-77a2-45b9-8c47-5b3bd0f2ea02"), 40, 4096),
            new ChunkLocation(Hash("c1"), Guid.Parse("8d3c1a8e-77a2-45b9-8c47-5b3bd0f2ea02"), long.MaxValue / 3, 4096),
            new ChunkLocation(Hash("c2"), Guid.Empty, 0, 4096),
            new ChunkLocation(Hash("c3"), Guid.Parse("8d3c1a8e-77a2-45b9-8c47-5b3bd0f2ea02"), 8272, 100),
        ]);

    public static TheoryData<string> FileChanges =>
    [
        "path", "path case", "length", "file hash", "chunk size", "a chunk", "chunk order", "a chunk removed", "a chunk added",
        "file order", "a file removed", "a file added",
    ];

    [Fact]
    public void Encode_and_decode_round_trip()
    {
        var decoded = ManifestCodec.Decode(ManifestCodec.Encode(Committed));

        ManifestAssert.Equal(Committed, decoded);
        Assert.Equal(Committed.ComputeHash(), decoded.ComputeHash());
    }

    [Fact]
    public void An_empty_manifest_round_trips()
    {
        var decoded = ManifestCodec.Decode(ManifestCodec.Encode(ProfileManifest.Empty));

        Assert.Empty(decoded.Files);
        Assert.Empty(decoded.Locations);
    }

    [Fact]
    public async Task A_chunked_profile_round_trips()
    {
        var content = await UploadContent.CreateAsync(("NTUSER.DAT", TestData.HiveLike(300, seed: 1)), ("a.bin", TestData.RandomBytes(1_000_000, seed: 2)));
        var pack = Guid.NewGuid();
        var manifest = content.Manifest.WithLocations([.. content.DistinctChunks.Select((h, i) => new ChunkLocation(h, pack, 40 + (i * 10_000L), content.Chunks[h].Length))]);

        ManifestAssert.Equal(manifest, ManifestCodec.Decode(ManifestCodec.Encode(manifest)));
    }

    [Fact]
    public void The_encoding_starts_with_the_magic_and_version_and_ends_with_the_SHA_256_of_the_rest()
    {
        var encoded = ManifestCodec.Encode(Committed);

        Assert.Equal("OPMF\u0001"u8.ToArray(), encoded[..5]);
        Assert.Equal(SHA256.HashData(encoded.AsSpan(0, encoded.Length - 32)), encoded[^32..]);
    }

    [Fact]
    public void A_flipped_bit_anywhere_is_detected()
    {
        var encoded = ManifestCodec.Encode(Committed);
        for (var i = 0; i < encoded.Length; i++)
        {
            foreach (var bit in new byte[] { 0x01, 0x80 })
            {
                var damaged = (byte[])encoded.Clone();
                damaged[i] ^= bit;
                var error = Record.Exception(() => ManifestCodec.Decode(damaged));
                Assert.True(error is InvalidManifestException, $"byte {i} bit {bit:x2}: {error?.GetType().Name ?? "accepted"}");
            }
        }
    }

    [Fact]
    public void A_truncated_manifest_is_detected_at_every_length()
    {
        var encoded = ManifestCodec.Encode(Committed);
        for (var length = 0; length < encoded.Length; length++)
        {
            var error = Record.Exception(() => ManifestCodec.Decode(encoded.AsSpan(0, length)));
            Assert.True(error is InvalidManifestException, $"length {length}: {error?.GetType().Name ?? "accepted"}");
        }
    }

    [Fact]
    public void Trailing_garbage_is_detected()
    {
        var encoded = ManifestCodec.Encode(Committed);

        Assert.Throws<InvalidManifestException>(() => ManifestCodec.Decode([.. encoded, 0]));
        Assert.Throws<InvalidManifestException>(() => ManifestCodec.Decode([.. encoded, .. encoded]));

        // Garbage inside the checksummed part, resealed so only the parser can notice it.
        var error = Assert.Throws<InvalidManifestException>(() => ManifestCodec.Decode(Reseal(encoded, body => [.. body, 0x2A])));
        Assert.Equal("trailing bytes after the manifest", error.Reason);
    }

    [Fact]
    public void A_bad_signature_is_refused_even_with_a_valid_checksum()
    {
        var encoded = ManifestCodec.Encode(Committed);

        var error = Assert.Throws<InvalidManifestException>(() => ManifestCodec.Decode(Reseal(encoded, body => [.. "OPMX"u8, .. body[4..]])));

        Assert.Equal("not a manifest (bad signature or too short)", error.Reason);
        Assert.Throws<InvalidManifestException>(() => ManifestCodec.Decode(Encoding.UTF8.GetBytes(new string('x', 100))));
    }

    [Fact]
    public void An_unknown_version_is_refused()
    {
        var encoded = ManifestCodec.Encode(Committed);

        var error = Assert.Throws<InvalidManifestException>(() => ManifestCodec.Decode(Reseal(encoded, body => [.. body[..4], 2, .. body[5..]])));

        Assert.Equal("unsupported manifest version 2", error.Reason);
    }

    [Fact]
    public void An_absurd_count_is_refused_without_allocating_it()
    {
        // Magic, version, then a file count of int.MaxValue as a 7-bit encoded integer.
        byte[] body = [.. "OPMF"u8, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07];

        var error = Assert.Throws<InvalidManifestException>(() => ManifestCodec.Decode([.. body, .. SHA256.HashData(body)]));

        Assert.Equal($"file count {int.MaxValue} is out of range", error.Reason);
    }

    [Fact]
    public void The_hash_ignores_locations()
    {
        var withoutLocations = Committed with { Locations = [] };

        Assert.Equal(withoutLocations.ComputeHash(), Committed.ComputeHash());
        Assert.Equal(ManifestCodec.ComputeHash(Committed.Files), Committed.ComputeHash());
        Assert.Equal(Committed.ComputeHash(), (Committed with { Locations = [Committed.Locations[0]] }).ComputeHash());
    }

    [Fact]
    public void The_hash_depends_on_content_not_on_instances()
    {
        var copy = new ProfileManifest([.. Committed.Files.Select(f => f with { Chunks = [.. f.Chunks] })], []);

        Assert.Equal(Committed.ComputeHash(), copy.ComputeHash());
        Assert.NotEqual(default, Committed.ComputeHash());
    }

    [Theory]
    [MemberData(nameof(FileChanges))]
    public void The_hash_changes_when_any_field_of_any_file_changes(string change)
    {
        ImmutableArray<ManifestFile> files = change switch
        {
            "path" => [Empty, Text with { Path = "AppData\\Roaming\\Caf\u00e9\\notes.txu" }, Hive],
            "path case" => [Empty, Text, Hive with { Path = "ntuser.dat" }],
            "length" => [Empty, Text with { Length = 70_001 }, Hive],
            "file hash" => [Empty, Text, Hive with { Sha256 = Hash("other") }],
            "chunk size" => [Empty with { ChunkSize = 4096 }, Text, Hive],
            "a chunk" => [Empty, Text, Hive with { Chunks = Hive.Chunks.SetItem(3, Hash("c4")) }],
            "chunk order" => [Empty, Text, Hive with { Chunks = [Hive.Chunks[1], Hive.Chunks[0], Hive.Chunks[2], Hive.Chunks[3]] }],
            "a chunk removed" => [Empty, Text, Hive with { Chunks = Hive.Chunks.RemoveAt(3) }],
            "a chunk added" => [Empty, Text, Hive with { Chunks = Hive.Chunks.Add(Hash("c4")) }],
            "file order" => [Text, Empty, Hive],
            "a file removed" => [Text, Hive],
            "a file added" => [Empty, Text, Hive, Empty with { Path = "z.txt" }],
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
        };

        Assert.NotEqual(Committed.ComputeHash(), ManifestCodec.ComputeHash(files));
    }

    [Fact]
    public void ForUpload_orders_files_case_insensitively_and_has_no_locations()
    {
        var manifest = ProfileManifest.ForUpload([Hive, Text, Empty, Hive with { Path = "appdata\\b.txt" }]);

        Assert.Equal(["appdata\\b.txt", "AppData\\empty.txt", "AppData\\Roaming\\Caf\u00e9\\notes.txt", "NTUSER.DAT"], manifest.Files.Select(f => f.Path));
        Assert.Empty(manifest.Locations);
        Assert.Equal(Hive.Length + Text.Length + Empty.Length + Hive.Length, manifest.TotalBytes);
    }

    private static ContentHash Hash(string text) => ContentHash.Compute(Encoding.UTF8.GetBytes(text));

    /// <summary>Changes the checksummed part of an encoding and writes a matching checksum.</summary>
    private static byte[] Reseal(byte[] encoded, Func<byte[], byte[]> change)
    {
        var body = change(encoded[..^32]);
        return [.. body, .. SHA256.HashData(body)];
    }
}
