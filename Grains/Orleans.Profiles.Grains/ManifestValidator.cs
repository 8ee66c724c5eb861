namespace Orleans.Profiles;

/// <summary>Checks an upload manifest before anything is stored: a refused manifest changes nothing.</summary>
internal static class ManifestValidator
{
    public static void ValidateUpload(ProfileManifest manifest, ContentHash claimedHash, ProfileStoreOptions options)
    {
        if (manifest is null || manifest.Files.IsDefault || manifest.Locations.IsDefault || manifest.Locations.Length != 0)
        {
            throw new InvalidManifestException("an upload manifest lists files and no chunk locations");
        }

        if (manifest.Files.Length > options.MaxFiles)
        {
            throw new RequestLimitException("the number of files", manifest.Files.Length, options.MaxFiles);
        }

        ManifestFile? previous = null;
        foreach (var file in manifest.Files)
        {
            if (file is null || file.Chunks.IsDefault)
            {
                throw new InvalidManifestException("a file entry is empty");
            }

            ProfilePath.Validate(file.Path);
            if (previous is not null && ProfilePath.Comparer.Compare(previous.Path, file.Path) >= 0)
            {
                throw new InvalidManifestException(
                    ProfilePath.Comparer.Equals(previous.Path, file.Path)
                        ? "the path appears twice (paths are case-insensitive)"
                        : "files are not in canonical order",
                    file.Path);
            }

            if (file.Length < 0 || file.Length > options.MaxFileBytes)
            {
                throw file.Length < 0
                    ? new InvalidManifestException("negative length", file.Path)
                    : new RequestLimitException($"the size of \"{file.Path}\"", file.Length, options.MaxFileBytes);
            }

            if (!ProfileChunker.IsValidChunkSize(file.ChunkSize))
            {
                throw new InvalidManifestException($"chunk size {file.ChunkSize} is not a power of two from 4 KiB to 4 MiB", file.Path);
            }

            var expectedChunks = (file.Length + file.ChunkSize - 1) / file.ChunkSize;
            if (file.Chunks.Length != expectedChunks)
            {
                throw new InvalidManifestException($"{file.Chunks.Length} chunks listed for a length that needs {expectedChunks}", file.Path);
            }

            if (file.Length == 0 && file.Sha256 != ContentHash.Compute([]))
            {
                throw new InvalidManifestException("an empty file with the hash of non-empty content", file.Path);
            }

            previous = file;
        }

        var actual = manifest.ComputeHash();
        if (actual != claimedHash)
        {
            throw new InvalidManifestException($"its hash is {actual}, not the {claimedHash} the request claims");
        }
    }
}
