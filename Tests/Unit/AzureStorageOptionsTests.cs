using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Orleans.Profiles.AzureStorage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>The azure mode reaches its account one way: a connection string (account key) or service URIs with an Entra ID credential.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class AzureStorageOptionsTests
{
    private const string Blob = "https://contoso.blob.core.windows.net";
    private const string Table = "https://contoso.table.core.windows.net";
    private const string Key = "DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=a2V5;EndpointSuffix=core.windows.net";

    public static TheoryData<Dictionary<string, string?>, string[]> Settings => new()
    {
        { new() { ["ConnectionString"] = Key }, [] },
        { new() { ["ServiceUri"] = Blob, ["TableServiceUri"] = Table }, [] },
        { new() { ["ServiceUri"] = Blob, ["TableServiceUri"] = Table, ["Credential"] = "WorkloadIdentity", ["ClientId"] = "11111111-2222-3333-4444-555555555555" }, [] },
        {
            new(),
            ["The azure storage mode needs a connection string (--azure-connection-string or AZURE_STORAGE_CONNECTION_STRING) or, for Entra ID, Storage:Azure:ServiceUri and Storage:Azure:TableServiceUri."]
        },
        {
            new() { ["ConnectionString"] = Key, ["ServiceUri"] = Blob, ["TableServiceUri"] = Table },
            ["Storage:Azure:ConnectionString and Storage:Azure:ServiceUri/TableServiceUri are both set: give the connection string (account key) or the service URIs (Entra ID), not both."]
        },
        {
            new() { ["ServiceUri"] = Blob },
            ["Storage:Azure:ServiceUri and Storage:Azure:TableServiceUri go together: TableServiceUri is missing (blobs need the one, membership the other)."]
        },
        {
            new() { ["ServiceUri"] = "http://contoso.blob.core.windows.net", ["TableServiceUri"] = "contoso.table.core.windows.net" },
            [
                "Storage:Azure:ServiceUri: 'http://contoso.blob.core.windows.net' is not an absolute https URI (Entra ID tokens go over TLS only).",
                "Storage:Azure:TableServiceUri: 'contoso.table.core.windows.net' is not an absolute https URI (Entra ID tokens go over TLS only).",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Exactly_one_way_to_the_account_is_accepted_and_a_wrong_one_is_named(Dictionary<string, string?> settings, string[] failures)
    {
        var result = new AzureStorageOptionsValidator().Validate(null, Bind(settings));

        Assert.Equal(failures, result.Failures ?? []);
    }

    [Fact]
    public void A_credential_that_is_no_member_is_refused()
        => Assert.Equal(
            ["Storage:Azure:Credential: '7' is not one of Default, ManagedIdentity, WorkloadIdentity."],
            new AzureStorageOptionsValidator().Validate(null, new AzureStorageOptions { ServiceUri = new(Blob), TableServiceUri = new(Table), Credential = (AzureStorageCredential)7 }).Failures);

    [Theory]
    [InlineData(null, typeof(DefaultAzureCredential))]
    [InlineData("managedidentity", typeof(ManagedIdentityCredential))]
    [InlineData("WorkloadIdentity", typeof(WorkloadIdentityCredential))]
    public void The_credential_setting_picks_the_Azure_Identity_credential_and_every_client_shares_it(string? setting, Type expected)
    {
        var options = Bind(new() { ["ServiceUri"] = Blob, ["TableServiceUri"] = Table, ["Credential"] = setting });

        var credential = options.GetTokenCredential();

        Assert.IsType(expected, credential);
        Assert.Same(credential, options.GetTokenCredential());
        Assert.Equal(new Uri(Blob), options.CreateBlobServiceClient().Uri);
        Assert.Equal("contoso", options.CreateTableServiceClient().AccountName);
    }

    private static AzureStorageOptions Bind(Dictionary<string, string?> settings)
        => new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"Storage:Azure:{s.Key}", s.Value))).Build()
            .GetSection("Storage:Azure").Get<AzureStorageOptions>() ?? new AzureStorageOptions();
}
