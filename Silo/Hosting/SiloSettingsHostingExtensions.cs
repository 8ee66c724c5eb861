using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Profiles.AzureStorage;
using Orleans.Profiles.Local;
using Orleans.Profiles.Security;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>Binds every configuration section the silo reads, in one place, and checks it before anything starts.</summary>
public static class SiloSettingsHostingExtensions
{
    public const string ProfileStoreSection = "Store";
    public const string AzureSection = "Storage:Azure";
    public const string MembershipSection = "Membership";

    /// <summary>
    /// Registers the silo's own sections as options validated at start, and reads and checks every section now:
    /// what the host is built from must be right before it is built. Throws <see cref="OptionsValidationException"/>
    /// with one line per bad setting, naming it.
    /// </summary>
    public static SiloSettings AddSiloSettings(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var failures = new List<string>();
        var silo = Bind(builder.Services, configuration, SiloHostOptions.Section, new SiloHostOptionsValidator(), failures);
        var health = Bind(builder.Services, configuration, HealthOptions.Section, new HealthOptionsValidator(), failures);
        var dashboard = Bind(builder.Services, configuration, SiloDashboardOptions.Section, new SiloDashboardOptionsValidator(), failures);
        var storage = Bind(builder.Services, configuration, StorageModeOptions.Section, new StorageModeOptionsValidator(), failures);

        // Validated at start by the validators their own AddXxx registers (AddProfileStore), or by the certificate loader.
        var tls = Bind<SiloTlsOptions>(builder.Services, configuration, SiloTlsOptions.Section, failures);
        var store = Bind<ProfileStoreOptions>(builder.Services, configuration, ProfileStoreSection, failures);
        Check(new ProfileStoreOptionsValidator(), store, failures);
        var auth = Bind<ProfileAuthenticationOptions>(builder.Services, configuration, ProfileAuthenticationOptions.Section, failures);
        Bind<ClusterMembershipOptions>(builder.Services, configuration, MembershipSection, failures);

        // Bound by the storage mode's UseXxxProfileStorage (only the mode in use), checked here for values that do not convert.
        Read<LocalStorageOptions>(configuration, StorageModeOptions.Section, failures);
        Read<AzureStorageOptions>(configuration, AzureSection, failures);

        var advertised = AdvertisedAddress(silo, failures);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SiloSettings), failures);
        }

        return new SiloSettings
        {
            Configuration = configuration,
            Silo = silo,
            Health = health,
            Dashboard = dashboard,
            Storage = storage,
            Tls = tls,
            Auth = auth,
            AdvertisedAddress = advertised,
        };
    }

    private static T Bind<T>(IServiceCollection services, IConfiguration configuration, string section, IValidateOptions<T> validator, List<string> failures)
        where T : class, new()
    {
        services.AddSingleton(validator);
        var options = Bind<T>(services, configuration, section, failures);
        Check(validator, options, failures);
        return options;
    }

    private static T Bind<T>(IServiceCollection services, IConfiguration configuration, string section, List<string> failures)
        where T : class, new()
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        return Read<T>(configuration, section, failures);
    }

    /// <summary>The section bound to a <typeparamref name="T"/>; a value the binder cannot convert is a failure, not an exception.</summary>
    private static T Read<T>(IConfiguration configuration, string path, List<string> failures)
        where T : class, new()
    {
        var section = configuration.GetSection(path);
        var before = failures.Count;
        EnumSettings.Check(section, typeof(T), failures);
        if (failures.Count > before)
        {
            return new T();
        }

        try
        {
            return section.Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            // "Failed to convert configuration value '…' at 'Section:Key' to type '…'": one line that names the setting.
            failures.Add(ex.Message);
            return new T();
        }
    }

    private static void Check<T>(IValidateOptions<T> validator, T options, List<string> failures)
        where T : class
    {
        if (validator.Validate(Options.DefaultName, options) is { Failed: true } result)
        {
            failures.AddRange(result.Failures);
        }
    }

    private static IPAddress AdvertisedAddress(SiloHostOptions silo, List<string> failures)
    {
        if (silo.AdvertisedAddress is { Length: > 0 })
        {
            // SiloHostOptionsValidator reports an address that does not parse.
            return IPAddress.TryParse(silo.AdvertisedAddress, out var configured) ? configured : IPAddress.Loopback;
        }

        if (Environment.GetEnvironmentVariable(SiloSettings.PodIpVariable) is { Length: > 0 } pod)
        {
            if (IPAddress.TryParse(pod, out var address))
            {
                return address;
            }

            failures.Add($"{SiloSettings.PodIpVariable}: '{pod}' is not an IP address (it is the address this silo advertises; --advertise-ip overrides it).");
        }

        return IPAddress.Loopback;
    }
}
