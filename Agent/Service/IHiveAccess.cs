namespace Orleans.Profiles.Agent.Service;

/// <summary>Whether a user's hive is loaded: the profile service holds <c>NTUSER.DAT</c> open while it is.</summary>
public interface IHiveAccess
{
    /// <summary>True once the hive can be opened with no sharing (or there is none): the profile may be pushed.</summary>
    bool IsUnloaded(RoamingUser user);
}
