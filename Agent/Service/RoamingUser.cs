namespace Orleans.Profiles.Agent.Service;

/// <summary>A user whose profile folder on this machine roams through the store.</summary>
public sealed record RoamingUser(ProfileKey Account, string Folder)
{
    /// <summary>The hive the profile service loads at logon and unloads after logoff.</summary>
    public string HivePath => Path.Combine(Folder, "NTUSER.DAT");
}
