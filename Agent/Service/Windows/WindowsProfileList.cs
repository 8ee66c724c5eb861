using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;
using Microsoft.Win32;

namespace Orleans.Profiles.Agent.Service.Windows;

/// <summary>Reads <c>HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList</c>, translating each SID to its account.</summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsProfileList : IProfileList
{
    private const string ProfileListKey = @"SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList";

    public IReadOnlyList<ProfileListEntry> Read()
    {
        using var list = Registry.LocalMachine.OpenSubKey(ProfileListKey);
        if (list is null)
        {
            return [];
        }

        var entries = new List<ProfileListEntry>();
        foreach (var sid in list.GetSubKeyNames())
        {
            using var key = list.OpenSubKey(sid);
            if (key?.GetValue("ProfileImagePath") is string folder && folder.Length > 0)
            {
                entries.Add(new ProfileListEntry(sid, Translate(sid), Environment.ExpandEnvironmentVariables(folder)));
            }
        }

        return entries;
    }

    public string? SidOf(ProfileKey account)
    {
        try
        {
            return new NTAccount(account.Value).Translate(typeof(SecurityIdentifier)).Value;
        }
        catch (Exception ex) when (ex is IdentityNotMappedException or SystemException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes the key the User Profile Service writes when it creates a local profile, and gives the folder to
    /// the user (owner, full control, inherited) beside SYSTEM and Administrators: at the first logon Windows
    /// finds a profile it knows and loads its hive, instead of making a new one from the Default profile.
    /// </summary>
    public void Register(string sid, string folder)
    {
        var user = new SecurityIdentifier(sid);
        var security = new DirectorySecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        const InheritanceFlags inherit = InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit;
        foreach (var who in new[] { user, new SecurityIdentifier(WellKnownSidType.LocalSystemSid, null), new SecurityIdentifier(WellKnownSidType.BuiltinAdministratorsSid, null) })
        {
            security.AddAccessRule(new FileSystemAccessRule(who, FileSystemRights.FullControl, inherit, PropagationFlags.None, AccessControlType.Allow));
        }

        security.SetOwner(user);
        new DirectoryInfo(folder).SetAccessControl(security);

        using var key = Registry.LocalMachine.CreateSubKey($@"{ProfileListKey}\{sid}", writable: true);
        var binary = new byte[user.BinaryLength];
        user.GetBinaryForm(binary, 0);
        key.SetValue("ProfileImagePath", folder, RegistryValueKind.ExpandString);
        key.SetValue("Sid", binary, RegistryValueKind.Binary);
        key.SetValue("Flags", 0, RegistryValueKind.DWord);
        key.SetValue("State", 0, RegistryValueKind.DWord);
        key.SetValue("FullProfile", 1, RegistryValueKind.DWord);
    }

    private static string? Translate(string sid)
    {
        try
        {
            return new SecurityIdentifier(sid).Translate(typeof(NTAccount)).Value;
        }
        catch (Exception ex) when (ex is IdentityNotMappedException or ArgumentException or SystemException)
        {
            // A deleted account, or no domain controller to ask right now: not a user to roam today.
            return null;
        }
    }
}
