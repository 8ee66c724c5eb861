namespace Orleans.Profiles.Sync;

/// <summary>Attaches the user's token to every call, where the silo's authorisation filter reads it.</summary>
public sealed class TokenCallFilter(string token) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        RequestContext.Set(ProfileTokens.RequestContextKey, token);
        return context.Invoke();
    }
}
