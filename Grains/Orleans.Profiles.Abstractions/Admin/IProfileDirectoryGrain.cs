namespace Orleans.Profiles;

/// <summary>Every profile of the store, paged (<c>admin list</c>). Key 0; a stateless worker on each silo.</summary>
[Alias("Orleans.Profiles.IProfileDirectoryGrain")]
public interface IProfileDirectoryGrain : IGrainWithIntegerKey, IProfileContract
{
    /// <exception cref="InvalidDirectoryQueryException">A filter, page size or day count the store cannot read.</exception>
    /// <exception cref="InvalidPageTokenException">A page token this query did not issue.</exception>
    [Alias("List")]
    [ProfileAccess(ProfileAccess.Admin)]
    Task<ProfileDirectoryPage> List(ProfileDirectoryQuery query);
}
