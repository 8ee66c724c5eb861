namespace Orleans.Profiles;

/// <summary>A directory query the store cannot read: a bad filter, page size or day count; nothing changed.</summary>
[GenerateSerializer, Alias("Orleans.Profiles.InvalidDirectoryQueryException")]
public sealed class InvalidDirectoryQueryException : ProfileStoreException
{
    public InvalidDirectoryQueryException(string problem)
        : base($"The directory query is not valid: {problem}.")
    {
        Problem = problem;
    }

    [Id(0)] public string Problem { get; private set; }

    public override bool IsBadInput => true;
}
