namespace Orleans.Profiles.Tests.Security;

/// <summary>A profile contract as a developer might extend it: one method with a policy, one forgotten.</summary>
public interface IUnpolicedGrain : IGrainWithStringKey, IProfileContract
{
    [ProfileAccess(ProfileAccess.Owner)]
    Task<int> WithPolicy();

    Task<int> WithoutPolicy();
}
