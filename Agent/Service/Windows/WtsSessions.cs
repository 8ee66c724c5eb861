using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Orleans.Profiles.Agent.Service.Windows;

/// <summary>The sessions of this machine, from the Remote Desktop Services API (WTSEnumerateSessions).</summary>
[SupportedOSPlatform("windows")]
public sealed partial class WtsSessions : ILoggedOnUsers
{
    private const int WTSUserName = 5;
    private const int WTSDomainName = 7;

    public IReadOnlySet<ProfileKey> Current()
    {
        if (!WTSEnumerateSessionsW(IntPtr.Zero, 0, 1, out var sessions, out var count))
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "the sessions of this machine could not be listed");
        }

        try
        {
            var users = new HashSet<ProfileKey>();
            var size = Marshal.SizeOf<SessionInfo>();
            for (var i = 0; i < count; i++)
            {
                var session = Marshal.PtrToStructure<SessionInfo>(sessions + (i * size));
                if (UserOf(session.SessionId) is { } user)
                {
                    users.Add(user);
                }
            }

            return users;
        }
        finally
        {
            WTSFreeMemory(sessions);
        }
    }

    public ProfileKey? UserOf(int sessionId)
    {
        var user = Query(sessionId, WTSUserName);
        if (string.IsNullOrEmpty(user))
        {
            return null;
        }

        var domain = Query(sessionId, WTSDomainName);
        return ProfileKey.TryParse(string.IsNullOrEmpty(domain) ? user : $@"{domain}\{user}", out var key) ? key : null;
    }

    private static string? Query(int sessionId, int infoClass)
    {
        if (!WTSQuerySessionInformationW(IntPtr.Zero, sessionId, infoClass, out var buffer, out _))
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUni(buffer);
        }
        finally
        {
            WTSFreeMemory(buffer);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SessionInfo
    {
        public int SessionId;
        public IntPtr WinStationName;
        public int State;
    }

    [LibraryImport("wtsapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool WTSEnumerateSessionsW(IntPtr server, int reserved, int version, out IntPtr sessions, out int count);

    [LibraryImport("wtsapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool WTSQuerySessionInformationW(IntPtr server, int sessionId, int infoClass, out IntPtr buffer, out int bytes);

    [LibraryImport("wtsapi32.dll")]
    private static partial void WTSFreeMemory(IntPtr memory);
}
