namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// Field-by-field assertions on manifests. The records' own equality compares their
/// <see cref="System.Collections.Immutable.ImmutableArray{T}"/> members by reference, so two
/// manifests with the same content (one decoded from storage) are not <c>Equals</c>.
/// </summary>
public static class ManifestAssert
{
    public static void Equal(ManifestFile expected, ManifestFile actual)
    {
        Assert.Equal(expected.Path, actual.Path);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.Sha256, actual.Sha256);
        Assert.Equal(expected.ChunkSize, actual.ChunkSize);
        Assert.Equal<ContentHash>(expected.Chunks, actual.Chunks);
    }

    public static void FilesEqual(IReadOnlyList<ManifestFile> expected, IReadOnlyList<ManifestFile> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Equal(expected[i], actual[i]);
        }
    }

    /// <summary>The same files and the same chunk locations, in the same order.</summary>
    public static void Equal(ProfileManifest expected, ProfileManifest actual)
    {
        FilesEqual(expected.Files, actual.Files);
        Assert.Equal<ChunkLocation>(expected.Locations, actual.Locations);
    }
}
