using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// Who roams on this machine: the configured users, and when asked the domain accounts of the ProfileList
/// that match the pattern. Local accounts (their domain is this machine) and service accounts never roam.
/// </summary>
public sealed class RoamingUsers(IOptions<AgentServiceOptions> options, IProfileList profileList, ILogger<RoamingUsers> logger)
{
    // SYSTEM, LOCAL SERVICE, NETWORK SERVICE, virtual and service accounts: everything but S-1-5-21 (accounts of a domain or machine).
    private const string AccountSidPrefix = "S-1-5-21-";
    private static readonly string[] WellKnownDomains = ["NT AUTHORITY", "NT SERVICE", "BUILTIN", "IIS APPPOOL", "WINDOW MANAGER", "FONT DRIVER HOST"];

    public IReadOnlyList<RoamingUser> Resolve()
    {
        var settings = options.Value;
        var users = new Dictionary<string, RoamingUser>(StringComparer.Ordinal);
        foreach (var configured in settings.Users)
        {
            var user = new RoamingUser(ProfileKey.Parse(configured.Account), configured.Folder, configured.Sid);
            users.TryAdd(user.Account.Value, user);
        }

        if (settings.DiscoverDomainUsers)
        {
            var pattern = settings.AccountPattern is { Length: > 0 } p ? Wildcard(p) : null;
            foreach (var entry in ReadProfileList())
            {
                if (IsDomainAccount(entry, settings.Machine) && (pattern is null || pattern.IsMatch(entry.Account!))
                    && ProfileKey.TryParse(entry.Account!, out var account))
                {
                    users.TryAdd(account.Value, new RoamingUser(account, entry.Folder, entry.Sid));
                }
            }
        }

        return [.. users.Values.OrderBy(u => u.Account.Value, StringComparer.Ordinal)];
    }

    private IReadOnlyList<ProfileListEntry> ReadProfileList()
    {
        try
        {
            return profileList.Read();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException or PlatformNotSupportedException)
        {
            ServiceLog.UsersUnavailable(logger, ex.Message);
            return [];
        }
    }

    /// <summary>An account of a domain, not of this machine nor one of Windows' own.</summary>
    public static bool IsDomainAccount(ProfileListEntry entry, string machine)
    {
        if (!entry.Sid.StartsWith(AccountSidPrefix, StringComparison.OrdinalIgnoreCase) || entry.Account is not { } account)
        {
            return false;
        }

        var slash = account.IndexOf('\\', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        var domain = account[..slash];
        return !domain.Equals(machine, StringComparison.OrdinalIgnoreCase)
            && !domain.Equals(Environment.MachineName, StringComparison.OrdinalIgnoreCase)
            && !WellKnownDomains.Contains(domain, StringComparer.OrdinalIgnoreCase);
    }

    private static Regex Wildcard(string pattern)
        => new($"^{Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal)}$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
