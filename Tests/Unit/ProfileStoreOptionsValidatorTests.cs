using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>Options set in code (not only from configuration) are checked too: an enum value no member has is refused.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ProfileStoreOptionsValidatorTests
{
    private readonly ProfileStoreOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(_validator.Validate(null, new ProfileStoreOptions()).Succeeded);

    [Fact]
    public void A_damaged_hive_policy_that_is_no_member_is_refused()
    {
        var result = _validator.Validate(null, new ProfileStoreOptions { DamagedHives = (DamagedHivePolicy)7 });

        Assert.True(result.Failed);
        Assert.Equal(["DamagedHives must be one of Refuse, AcceptAndMark."], result.Failures);
    }

    [Fact]
    public void A_conflict_policy_that_is_no_member_is_refused()
    {
        var result = _validator.Validate(null, new ProfileStoreOptions { ConflictPolicy = (ConflictPolicy)3 });

        Assert.Equal(["ConflictPolicy must be one of NewestWins, KeepCurrent."], result.Failures);
    }
}
