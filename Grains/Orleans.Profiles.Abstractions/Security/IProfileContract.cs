namespace Orleans.Profiles;

/// <summary>
/// Marks a grain interface whose every method the silo authorises: a method of such an interface
/// without a <see cref="ProfileAccessAttribute"/> is refused to every caller.
/// </summary>
public interface IProfileContract
{
}
