namespace Orleans.Profiles.Agent.Service;

/// <summary>A user whose profile folder on this machine roams through the store.</summary>
/// <param name="Sid">The configured SID, if any (see <see cref="RoamingUserOptions.Sid"/>).</param>
public sealed record RoamingUser(ProfileKey Account, string Folder, string? Sid = null)
{
    /// <summary>The hive the profile service loads at logon and unloads after logoff.</summary>
    public string HivePath => Path.Combine(Folder, "NTUSER.DAT");
}
