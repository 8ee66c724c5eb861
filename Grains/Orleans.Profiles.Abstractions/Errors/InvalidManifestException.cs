namespace Orleans.Profiles;

/// <summary>A manifest that is malformed, lies about its hash, or names a path the store refuses.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.InvalidManifestException")]
public sealed class InvalidManifestException : ProfileStoreException
{
    public InvalidManifestException(string reason, string? path = null)
        : base(path is null ? $"Invalid manifest: {reason}." : $"Invalid manifest entry \"{path}\": {reason}.")
    {
        Reason = reason;
        Path = path;
    }

    [Id(0)] public string Reason { get; private set; }

    [Id(1)] public string? Path { get; private set; }

    public override bool IsBadInput => true;
}
