namespace Orleans.Profiles.Agent.Service;

/// <summary>Off Windows there is no ProfileList: only the configured users roam, and nothing is registered.</summary>
public sealed class NoProfileList : IProfileList
{
    public IReadOnlyList<ProfileListEntry> Read() => [];

    public string? SidOf(ProfileKey account) => null;

    public void Register(string sid, string folder)
    {
    }
}
