namespace Orleans.Profiles;

/// <summary>
/// The base of every failure the store reports to a caller. Each concrete failure is its own
/// serializable type, so an agent can tell bad input from a conflict from a store fault.
/// </summary>
[GenerateSerializer, Alias("Orleans.Profiles.ProfileStoreException")]
public abstract class ProfileStoreException : Exception
{
    protected ProfileStoreException(string message) : base(message)
    {
    }

    protected ProfileStoreException(string message, Exception? inner) : base(message, inner)
    {
    }

    /// <summary>True when the request itself was wrong and retrying it unchanged cannot help.</summary>
    public abstract bool IsBadInput { get; }
}
