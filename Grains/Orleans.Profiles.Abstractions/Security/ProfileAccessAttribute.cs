namespace Orleans.Profiles;

/// <summary>
/// The authorisation policy of a profile grain method. Deny by default: the silo refuses a call to
/// any method of a profile grain interface that does not carry this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ProfileAccessAttribute(ProfileAccess access) : Attribute
{
    public ProfileAccess Access { get; } = access;
}
