using System.Collections.Immutable;
using System.Security.Cryptography;
using Orleans.Profiles.Hives;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Commit;

/// <summary>
/// Every check between the bytes an agent sends and a snapshot becoming current: the upload manifest before
/// anything is stored, each chunk on arrival, and at commit every new file rebuilt from its stored chunks
/// against its length and whole-file SHA-256, with a registry hive's structure checked in the same pass.
/// </summary>
public sealed class SnapshotVerifier(IPackStore packs, int maxReadBytes)
{
    /// <summary>File names that are always registry hives: a non-empty one without the "regf" signature is damaged.</summary>
    private static readonly HashSet<string> WellKnownHives = new(StringComparer.OrdinalIgnoreCase) { "NTUSER.DAT", "NTUSER.MAN", "UsrClass.dat" };

    /// <summary>Checks an upload manifest before anything is stored: a refused manifest changes nothing.</summary>
    public static void CheckManifest(ProfileManifest manifest, ContentHash claimedHash, ProfileStoreOptions options)
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

    /// <summary>Why a chunk that arrived for an upload is refused, or null when it is one the manifest needs, with the right bytes.</summary>
    public static ChunkRejectedException? CheckChunk(ChunkPayload? chunk, IReadOnlyDictionary<ContentHash, int> needed)
    {
        if (chunk?.Data is null)
        {
            return new ChunkRejectedException(chunk?.Hash ?? default, "it has no bytes");
        }

        if (!needed.TryGetValue(chunk.Hash, out var length))
        {
            return new ChunkRejectedException(chunk.Hash, "this upload's manifest does not reference it");
        }

        if (chunk.Data.Length != length)
        {
            return new ChunkRejectedException(chunk.Hash, $"it has {chunk.Data.Length} bytes where the manifest says {length}");
        }

        return ContentHash.Compute(chunk.Data) != chunk.Hash ? new ChunkRejectedException(chunk.Hash, "its bytes do not match its SHA-256") : null;
    }

    /// <summary>
    /// Rebuilds each new file of <paramref name="manifest"/> from the stored chunks its locations name, and checks its length
    /// and whole-file SHA-256 and, for a registry hive, its structure (a linear scan, cheap next to hashing): the one read of a
    /// committed pack. A file identical to one of <paramref name="index"/> was verified when that snapshot committed; only its
    /// dirty flag is read again.
    /// </summary>
    public async Task<SnapshotVerification> VerifyFilesAsync(ProfileKey profile, ProfileManifest manifest, ProfileManifest? index, CancellationToken cancellationToken = default)
    {
        var verified = index?.Files.Select(f => f.Sha256).ToHashSet() ?? [];
        var locations = manifest.Locations.ToDictionary(l => l.Hash);
        var paths = manifest.Files.Select(f => f.Path).ToHashSet(ProfilePath.Comparer);
        var warnings = new List<string>();
        HiveCheckResult? damaged = null;
        var unchanged = manifest.Files.Where(file => verified.Contains(file.Sha256) && index!.Files.Any(f => f.SameContentAs(file))).ToList();

        // The first pages of the unchanged files in few reads, not one each: the pack store reads neighbours in one request.
        var firstPages = unchanged.Where(f => f.Length > 0).Select(f => (f.Path, Location: locations[f.Chunks[0]])).ToList();
        for (var start = 0; start < firstPages.Count;)
        {
            var end = start + 1;
            for (var bytes = (long)firstPages[start].Location.Length; end < firstPages.Count && bytes + firstPages[end].Location.Length <= maxReadBytes; end++)
            {
                bytes += firstPages[end].Location.Length;
            }

            var read = await packs.ReadAsync(profile, [.. firstPages[start..end].Select(p => p.Location)], cancellationToken);
            for (var k = 0; k < read.Length; k++)
            {
                if (HiveChecker.IsDirtyBaseBlock(read[k]))
                {
                    WarnIfLogsMissing(firstPages[start + k].Path, paths, warnings);
                }
            }

            start = end;
        }

        foreach (var file in manifest.Files.Except(unchanged))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var hive = new HiveChecker(file.Path);
            long rebuilt = 0;
            foreach (var batch in file.Chunks.Chunk(Math.Max(1, maxReadBytes / file.ChunkSize)))
            {
                ImmutableArray<byte[]> read;
                try
                {
                    read = await packs.ReadAsync(profile, [.. batch.Select(h => locations[h])], cancellationToken);
                }
                catch (ChunkRejectedException)
                {
                    // A stored record that does not unpack (a compressed pack damaged after staging) fails its file like a wrong byte.
                    return new SnapshotVerification(file.Path, null, null);
                }

                foreach (var bytes in read)
                {
                    hash.AppendData(bytes);
                    hive.Append(bytes);
                    rebuilt += bytes.Length;
                }
            }

            // A chunk shared with another file is stored once, at that file's length: a manifest can
            // name the right chunks and hash for a file yet claim another length.
            if (rebuilt != file.Length || ContentHash.FromBytes(hash.GetHashAndReset()) != file.Sha256)
            {
                return new SnapshotVerification(file.Path, null, null);
            }

            var result = hive.Complete(rebuilt);
            var mustBeHive = file.Length > 0 && WellKnownHives.Contains(Path.GetFileName(file.Path.Replace(ProfilePath.Separator, '/')));
            if (mustBeHive && !result.IsHive && !result.IsLog)
            {
                result = result with { Problem = "a registry hive must start with the \"regf\" signature (the first page is damaged)", Offset = 0 };
            }

            if (result.Problem is not null)
            {
                damaged ??= result;
                warnings.Add($"{file.Path} is damaged at offset {result.Offset}: {result.Problem}");
            }
            else if (result.IsDirty)
            {
                WarnIfLogsMissing(file.Path, paths, warnings);
            }
        }

        return new SnapshotVerification(null, damaged, warnings.Count == 0 ? null : string.Join("; ", warnings));
    }

    /// <summary>A dirty hive needs its transaction logs to be brought up to date; without them in the same snapshot, say so.</summary>
    private static void WarnIfLogsMissing(string hive, HashSet<string> paths, List<string> warnings)
    {
        if (!paths.Contains(hive + ".LOG1") && !paths.Contains(hive + ".LOG2") && !paths.Contains(hive + ".LOG"))
        {
            warnings.Add($"{hive} is dirty (a write was under way when it was copied) but its .LOG1/.LOG2 are not in the snapshot: changes since its last flush may be missing");
        }
    }
}
