namespace Orleans.Profiles;

/// <summary>Who may call a profile grain method.</summary>
[Flags]
public enum ProfileAccess
{
    /// <summary>Nobody: what a method without a <see cref="ProfileAccessAttribute"/> gets.</summary>
    None = 0,

    /// <summary>The user the profile belongs to (a token whose subject is the profile's account).</summary>
    Owner = 1,

    /// <summary>A token with the administrator role, for any profile.</summary>
    Admin = 2,

    /// <summary>
    /// A workstation's machine token, for a profile among the users it lists: what a service pushing and
    /// pulling for absent users needs (status, push, pull), nothing that reads or rewrites history.
    /// </summary>
    Machine = 4,

    /// <summary>
    /// Only the silos' own grains (a profile grain keeping the directory current), never a client, whatever its
    /// token: what keeps an agent from writing the directory or the audit log itself.
    /// </summary>
    Silo = 8,
}
