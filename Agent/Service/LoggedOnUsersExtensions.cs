using Microsoft.Extensions.Logging;

namespace Orleans.Profiles.Agent.Service;

public static class LoggedOnUsersExtensions
{
    /// <summary>The users logged on now; none when Windows cannot say (the hive check still guards the profile).</summary>
    public static IReadOnlySet<ProfileKey> CurrentOrNone(this ILoggedOnUsers sessions, ILogger logger)
    {
        try
        {
            return sessions.Current();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or DllNotFoundException or EntryPointNotFoundException)
        {
            ServiceLog.SessionsUnavailable(logger, ex.Message);
            return new HashSet<ProfileKey>();
        }
    }
}
