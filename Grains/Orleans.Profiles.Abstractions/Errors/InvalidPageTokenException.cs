namespace Orleans.Profiles;

/// <summary>A page token that this query did not issue (another filter, sort or day count, or not a token at all).</summary>
[GenerateSerializer, Alias("Orleans.Profiles.InvalidPageTokenException")]
public sealed class InvalidPageTokenException : ProfileStoreException
{
    public InvalidPageTokenException(string problem)
        : base($"The page token is refused: {problem}.")
    {
        Problem = problem;
    }

    [Id(0)] public string Problem { get; private set; }

    public override bool IsBadInput => true;
}
