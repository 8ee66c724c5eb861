using System.Runtime.Versioning;
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
