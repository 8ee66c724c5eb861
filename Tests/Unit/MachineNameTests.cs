using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class MachineNameTests
{
    [Theory]
    [InlineData("WS042", "WS042")]
    [InlineData("ws042", "WS042")]
    [InlineData("Ws-042", "WS-042")]
    [InlineData("LEGACY_PC", "LEGACY_PC")]
    [InlineData("ws042.Contoso.com", "WS042.CONTOSO.COM")]
    [InlineData("7ZIP", "7ZIP")]
    public void A_NetBIOS_or_DNS_name_normalises_to_upper_case(string name, string expected)
    {
        var machine = MachineName.Parse(name);

        Assert.Equal(expected, machine.Value);
        Assert.Equal(MachineName.Parse(expected), machine);
    }

    [Theory]
    [InlineData("", "the machine name is empty")]
    [InlineData("WS 042", "the machine name contains U+0020; only letters, digits, '-' and '_' are allowed")]
    [InlineData("WS\n042", "the machine name contains U+000A; only letters, digits, '-' and '_' are allowed")]
    [InlineData("CONTOSO\\WS042", "the machine name contains '\\'; only letters, digits, '-' and '_' are allowed")]
    [InlineData("machine:WS042", "the machine name contains ':'; only letters, digits, '-' and '_' are allowed")]
    [InlineData("W\u00c9S", "the machine name contains '\u00c9'; only letters, digits, '-' and '_' are allowed")]
    [InlineData("-WS042", "a part of the machine name may not start or end with '-'")]
    [InlineData("ws042.-contoso", "a part of the machine name may not start or end with '-'")]
    [InlineData("ws042..contoso", "each dot-separated part must have 1 to 63 characters")]
    [InlineData(".ws042", "each dot-separated part must have 1 to 63 characters")]
    [InlineData("12345", "a machine name may not be all digits")]
    public void A_name_that_cannot_name_a_workstation_is_refused_with_a_typed_error(string name, string reason)
    {
        var refused = Assert.Throws<InvalidMachineNameException>(() => MachineName.Parse(name));

        Assert.Equal((name, reason), (refused.Machine, refused.Reason));
        Assert.True(refused.IsBadInput);
    }

    [Fact]
    public void A_name_is_at_most_253_characters_with_parts_of_at_most_63()
    {
        var label = new string('a', 63);
        Assert.Equal(253, MachineName.Parse($"{label}.{label}.{label}.{new string('b', 61)}").Value.Length);
        Assert.Equal("each dot-separated part must have 1 to 63 characters", Assert.Throws<InvalidMachineNameException>(() => MachineName.Parse(label + "a")).Reason);
        Assert.Equal("the machine name is longer than 253 characters", Assert.Throws<InvalidMachineNameException>(() => MachineName.Parse($"{label}.{label}.{label}.{new string('b', 62)}")).Reason);
    }
}
