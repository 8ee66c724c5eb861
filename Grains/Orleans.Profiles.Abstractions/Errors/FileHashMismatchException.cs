namespace Orleans.Profiles;

/// <summary>At commit, a file rebuilt from its chunks did not match the whole-file hash its manifest gave.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.FileHashMismatchException")]
public sealed class FileHashMismatchException : ProfileStoreException
{
    public FileHashMismatchException(string path)
        : base($"File \"{path}\" does not match its SHA-256 in the manifest: the upload was refused and the current snapshot is unchanged.")
    {
        Path = path;
    }

    [Id(0)] public string Path { get; private set; }

    public override bool IsBadInput => true;
}
