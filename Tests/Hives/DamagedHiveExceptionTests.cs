using Orleans.Profiles.Hives;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Hives;

/// <summary>A damaged hive becomes a typed, serializable bad-input error that names the file and the offset.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class DamagedHiveExceptionTests
{
    private static HiveCheckResult ZeroedPage()
    {
        var file = new HiveBuilder().Bin(8192, -0x1400, -0x20).Build();
        HiveBuilder.Zero(file, 0x2000, 0x3000);
        return HiveChecker.Check(@"AppData\Roaming\NTUSER.DAT", file);
    }

    [Fact]
    public void A_damaged_result_throws_the_typed_error_with_the_file_the_offset_and_the_problem()
    {
        var result = ZeroedPage();

        var error = Assert.Throws<DamagedHiveException>(result.ThrowIfDamaged);

        Assert.Equal(@"AppData\Roaming\NTUSER.DAT", error.Path);
        Assert.Equal(0x2000, error.Offset);
        Assert.Equal("the 4096-byte page at 0x2000 is all zeros where the cell at 0x2420 of the hive bin at 0x1000 must be (a write that never completed)", error.Problem);
        Assert.True(error.IsBadInput);
        Assert.Equal(
            "Registry hive \"AppData\\Roaming\\NTUSER.DAT\" is damaged at offset 0x2000 (8192): the 4096-byte page at 0x2000 is all zeros where the cell at 0x2420 of the hive bin at 0x1000 must be (a write that never completed). The upload was refused and the last good snapshot stays current.",
            error.Message);
    }

    [Fact]
    public void A_fine_result_a_dirty_one_a_log_and_a_file_that_is_not_a_hive_do_not_throw()
    {
        var hive = new HiveBuilder { PrimarySequence = 5, SecondarySequence = 4 }.Bin(4096, -0x20).Build();
        var log = hive.ToArray();
        HiveBuilder.SetUInt32(log, 0x1C, 6);

        foreach (var file in new[] { hive, log, "not a hive"u8.ToArray() })
        {
            var result = HiveChecker.Check("UsrClass.dat", file);
            result.ThrowIfDamaged();
            Assert.Null(result.Problem);
        }
    }

    [Fact]
    public void The_error_crosses_the_wire_as_itself()
    {
        var error = Assert.Throws<DamagedHiveException>(ZeroedPage().ThrowIfDamaged);

        var copy = Assert.IsType<DamagedHiveException>(OrleansSerialization.RoundTrip<Exception>(error));

        Assert.Equal(error.Message, copy.Message);
        Assert.Equal(error.Path, copy.Path);
        Assert.Equal(error.Offset, copy.Offset);
        Assert.Equal(error.Problem, copy.Problem);
        Assert.True(copy.IsBadInput);
    }
}
