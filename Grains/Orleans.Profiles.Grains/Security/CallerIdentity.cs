namespace Orleans.Profiles.Security;

/// <summary>Who a validated token says the caller is.</summary>
/// <param name="Profile">The caller's own profile (the token's subject), if the subject is an account name.</param>
public sealed record CallerIdentity(ProfileKey? Profile, bool IsAdmin);
