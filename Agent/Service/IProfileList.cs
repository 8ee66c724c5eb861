namespace Orleans.Profiles.Agent.Service;

/// <summary>The profiles Windows knows on this machine (the registry's ProfileList).</summary>
public interface IProfileList
{
    IReadOnlyList<ProfileListEntry> Read();
}
