using Microsoft.Extensions.Configuration;
using Orleans.Profiles.Silo.Hosting;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>The silo's own settings checks: enum values by name only (any case), addresses that parse, ports in range.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class SiloOptionsValidatorTests
{
    [Theory]
    [InlineData("local", StorageMode.Local)]
    [InlineData("LOCAL", StorageMode.Local)]
    [InlineData(" Azure ", StorageMode.Azure)]
    public void An_enum_setting_is_a_member_name_in_any_case(string raw, StorageMode expected)
        => Assert.Equal(expected, EnumSettings.Parse(typeof(StorageMode), raw));

    [Theory]
    [InlineData("0")]
    [InlineData("7")]
    [InlineData("Local, Azure")]
    [InlineData("")]
    [InlineData("disk")]
    public void Numbers_combinations_and_unknown_names_are_not_enum_settings(string raw)
        => Assert.Null(EnumSettings.Parse(typeof(StorageMode), raw));

    [Fact]
    public void Every_enum_property_of_a_section_is_checked_and_named_with_its_switch()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "1",
            ["Tls:StoreLocation"] = "localmachine",
            ["Store:DamagedHives"] = "Bogus",
        }).Build();
        var failures = new List<string>();

        EnumSettings.Check(configuration.GetSection("Storage"), typeof(StorageModeOptions), failures);
        EnumSettings.Check(configuration.GetSection("Tls"), typeof(SiloTlsOptions), failures);
        EnumSettings.Check(configuration.GetSection("Store"), typeof(ProfileStoreOptions), failures);

        Assert.Equal([
            "Storage:Mode (--storage): '1' is not one of Local, Azure.",
            "Store:DamagedHives: 'Bogus' is not one of Refuse, AcceptAndMark.",
        ], failures);
    }

    [Fact]
    public void A_storage_mode_that_is_no_member_is_refused()
        => Assert.Equal(
            ["Storage:Mode (--storage): '5' is not one of Local, Azure."],
            new StorageModeOptionsValidator().Validate(null, new StorageModeOptions { Mode = (StorageMode)5 }).Failures);

    [Fact]
    public void An_advertised_address_must_be_an_IP_address()
    {
        var validator = new SiloHostOptionsValidator();

        Assert.True(validator.Validate(null, new SiloHostOptions { AdvertisedAddress = "10.1.2.3" }).Succeeded);
        Assert.Equal(
            ["Silo:AdvertisedAddress (--advertise-ip): 'silo-1' is not an IP address."],
            validator.Validate(null, new SiloHostOptions { AdvertisedAddress = "silo-1" }).Failures);
    }

    [Fact]
    public void The_health_endpoint_needs_an_IP_address_and_a_port_or_0()
    {
        var validator = new HealthOptionsValidator();

        Assert.True(validator.Validate(null, new HealthOptions { Port = 0 }).Succeeded);
        Assert.Equal(
            ["Health:Address: 'localhost' is not an IP address.", "Health:Port (--health-port) must be a TCP port from 1 to 65535 or 0 (a free one), not 70000."],
            validator.Validate(null, new HealthOptions { Address = "localhost", Port = 70000 }).Failures);
    }

    [Fact]
    public void An_enabled_dashboard_needs_a_port()
    {
        var validator = new SiloDashboardOptionsValidator();

        Assert.True(validator.Validate(null, new SiloDashboardOptions { Port = 0 }).Succeeded);
        Assert.True(validator.Validate(null, new SiloDashboardOptions { Enabled = true, Port = 0 }).Failed);
    }
}
