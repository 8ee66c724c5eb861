namespace Orleans.Profiles.Agent.Service;

/// <summary>Off Windows there is no ProfileList: only the configured users roam.</summary>
public sealed class NoProfileList : IProfileList
{
    public IReadOnlyList<ProfileListEntry> Read() => [];
}
