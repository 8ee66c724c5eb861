namespace Orleans.Profiles.Agent.Service;

/// <summary>One configured roaming user: <c>ACCOUNT=FOLDER</c> on <c>service install</c>.</summary>
public sealed class RoamingUserOptions
{
    public string Account { get; set; } = "";

    public string Folder { get; set; } = "";

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
}
