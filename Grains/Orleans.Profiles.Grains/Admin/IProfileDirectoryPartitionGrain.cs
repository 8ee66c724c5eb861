namespace Orleans.Profiles.Admin;

/// <summary>One partition of the directory (<see cref="ProfileDirectory"/>): written by profile grains, read by <see cref="IProfileDirectoryGrain"/>.</summary>
[Alias("Orleans.Profiles.Admin.IProfileDirectoryPartitionGrain")]
public interface IProfileDirectoryPartitionGrain : IGrainWithIntegerKey, IProfileContract
{
    /// <summary>Records what a profile is now; refused damaged hives already recorded are kept.</summary>
    [Alias("Update")]
    [ProfileAccess(ProfileAccess.Silo)]
    Task Update(ProfileListing profile);

    [Alias("RecordDamagedHive")]
    [ProfileAccess(ProfileAccess.Silo)]
    Task RecordDamagedHive(string account, DamagedHiveRefusal refusal);

    [Alias("Remove")]
    [ProfileAccess(ProfileAccess.Silo)]
    Task Remove(string account);

    /// <summary>The first <see cref="DirectoryPartitionQuery.Limit"/> matching profiles after the cursor, and how many match in all.</summary>
    [Alias("Query")]
    [ProfileAccess(ProfileAccess.Silo)]
    Task<ProfileDirectoryPage> Query(DirectoryPartitionQuery query);
}
