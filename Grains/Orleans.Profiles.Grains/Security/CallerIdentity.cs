using System.Collections.Frozen;

namespace Orleans.Profiles.Security;

/// <summary>Who a validated token says the caller is: a user (perhaps an administrator), or a workstation and its users.</summary>
/// <param name="Profile">The caller's own profile (the token's subject), if the subject is an account name.</param>
/// <param name="Machine">The workstation of a machine token; null for a user's token.</param>
/// <param name="MachineProfiles">The profiles a machine token reaches; empty for a user's token.</param>
public sealed record CallerIdentity(ProfileKey? Profile, bool IsAdmin, MachineName? Machine, IReadOnlySet<ProfileKey> MachineProfiles)
{
    public static CallerIdentity User(ProfileKey? profile, bool isAdmin) => new(profile, isAdmin, null, FrozenSet<ProfileKey>.Empty);

    public static CallerIdentity ForMachine(MachineName machine, IEnumerable<ProfileKey> profiles) => new(null, false, machine, profiles.ToFrozenSet());
}
