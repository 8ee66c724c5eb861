namespace Orleans.Profiles.Agent.Service;

/// <summary>One configured roaming user: <c>ACCOUNT=FOLDER</c> on <c>service install</c>.</summary>
public sealed class RoamingUserOptions
{
    public string Account { get; set; } = "";

    public string Folder { get; set; } = "";

    /// <summary>
    /// The account's SID, for a first logon on this machine: the pre-staged folder is registered under it in the
    /// ProfileList. Looked up from the account when not given (a domain-joined machine can).
    /// </summary>
    public string? Sid { get; set; }

    /// <summary>Parses <c>DOMAIN\user=C:\Users\user</c>.</summary>
    public static RoamingUserOptions Parse(string value)
    {
        var at = value.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0 || at == value.Length - 1)
        {
            throw new ArgumentException($"--user \"{value}\" must be ACCOUNT=FOLDER, e.g. CONTOSO\\alice=C:\\Users\\alice.");
        }

        return new RoamingUserOptions { Account = value[..at].Trim(), Folder = value[(at + 1)..].Trim() };
    }

    /// <summary>The <c>--user</c> values, with each <c>--user-sid ACCOUNT=SID</c> given to its user.</summary>
    public static List<RoamingUserOptions> ParseAll(IEnumerable<string> users, IEnumerable<string> sids)
    {
        var parsed = users.Select(Parse).ToList();
        foreach (var value in sids)
        {
            var at = value.IndexOf('=', StringComparison.Ordinal);
            var user = at > 0 && ProfileKey.TryParse(value[..at].Trim(), out var account)
                ? parsed.FirstOrDefault(u => ProfileKey.TryParse(u.Account, out var other) && other == account)
                : null;
            if (user is null)
            {
                throw new ArgumentException($"--user-sid \"{value}\" must be ACCOUNT=SID for an account given with --user.");
            }

            user.Sid = value[(at + 1)..].Trim();
        }

        return parsed;
    }
}
