namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>An edited registry hive beside the base it was edited from: what a logoff pushes and a logon pulls onto.</summary>
public sealed record HivePair(string Name, string BasePath, string EditedPath)
{
    public static HivePair FromFiles(string basePath, string editedPath)
    {
        foreach (var path in new[] { basePath, editedPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"--hive-pair: {path} does not exist.", path);
            }
        }

        return new HivePair($"{Path.GetFileName(basePath)} → {Path.GetFileName(editedPath)}", Path.GetFullPath(basePath), Path.GetFullPath(editedPath));
    }

    /// <summary>
    /// The two shapes, generated (the same every run): a 768 KiB hive of which 37 of 192 pages were
    /// rewritten here and there, and a 6.25 MiB hive after a two-value edit that touched 9 of 1,600 pages.
    /// </summary>
    public static IReadOnlyList<HivePair> Generated(string directory)
    {
        return
        [
            Write(directory, "generated 768 KiB hive, 37 of 192 pages edited", "small", HiveGenerator.Hive(192, seed: 1), edits: HiveGenerator.SpreadPages(192, 37, seed: 2), bytesPerPage: 96),
            Write(directory, "generated 6.25 MiB hive, two-value edit (9 of 1,600 pages)", "large", HiveGenerator.Hive(1600, seed: 3), edits: HiveGenerator.SpreadPages(1600, 9, seed: 4), bytesPerPage: 12),
        ];
    }

    private static HivePair Write(string directory, string name, string file, byte[] hive, int[] edits, int bytesPerPage)
    {
        var basePath = Path.Combine(directory, $"{file}.DAT");
        var editedPath = Path.Combine(directory, $"{file}_edited.DAT");
        File.WriteAllBytes(basePath, hive);
        File.WriteAllBytes(editedPath, HiveGenerator.Edit(hive, edits, bytesPerPage, seed: edits.Length));
        return new HivePair(name, basePath, editedPath);
    }
}
