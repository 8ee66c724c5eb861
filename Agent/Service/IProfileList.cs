namespace Orleans.Profiles.Agent.Service;

/// <summary>The profiles Windows knows on this machine (the registry's ProfileList).</summary>
public interface IProfileList
{
    IReadOnlyList<ProfileListEntry> Read();

    /// <summary>The account's SID, looked up from its domain, or null when it cannot be.</summary>
    string? SidOf(ProfileKey account);

    /// <summary>Makes <paramref name="folder"/> the local profile of <paramref name="sid"/>, so the first logon loads it.</summary>
    void Register(string sid, string folder);
}
