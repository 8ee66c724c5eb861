using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Orleans.Profiles.AzureStorage;
using Orleans.Profiles.Tests.Support;
using Orleans.Profiles.Tests.Tls;
using Xunit.Abstractions;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>
/// A silo on Entra ID instead of an account key: Azurite in its OAuth mode (HTTPS, bearer tokens only checked
/// for issuer, audience and lifetime), the silo a real process given service URIs and
/// <c>Storage:Azure:Credential=ManagedIdentity</c>, its tokens from a loopback managed identity endpoint.
/// </summary>
[Collection(OwnProcessesCollection.Name)]
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class EntraIdStorageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_with_a_managed_identity_and_no_account_key_serves_profiles_and_does_not_start_when_storage_refuses_its_token()
    {
        using var root = new TempDirectory("entra");
        using var certificates = new TestCertificates();
        var tls = new AzuriteTls(certificates.SiloCertPem, certificates.SiloKeyPem);
        await using var azurite = await AzuriteProcess.StartAsync(root.Combine("azurite"), tls);
        await using var identity = new ManagedIdentityEndpoint();
        string[] args =
        [
            "--storage", "azure",
            $"--Storage:Azure:ServiceUri={azurite.BlobServiceUri}", $"--Storage:Azure:TableServiceUri={azurite.TableServiceUri}",
            "--Storage:Azure:Credential=ManagedIdentity",
        ];
        var environment = new Dictionary<string, string>(identity.Environment)
        {
            // The silo trusts Azurite's test CA as Linux programs do, through OpenSSL's variable; no key reaches it.
            ["SSL_CERT_FILE"] = certificates.CaPath,
            [Silo.Hosting.ProfileSiloHostingExtensions.AzureConnectionStringVariable] = "",
        };

        // 1. It starts: membership in the table, and the credential asked the endpoint for a token.
        var clock = Stopwatch.StartNew();
        await using (var silo = await SiloProcess.StartAsync(root.Path, Programs.FreePort(), Programs.FreePort(), Programs.FreePort(), args, environment))
        {
            output.WriteLine($"silo ready on Entra ID after {clock.Elapsed.TotalSeconds:0.0} s, {identity.Issued} token(s) issued");
            Assert.True(identity.Issued >= 1, "the silo never asked the managed identity endpoint for a token");

            // 2. A profile round-trips byte-exact through it.
            using var ws1 = new Workstation("ws1", silo.Gateway);
            using var ws2 = new Workstation("ws2", silo.Gateway);
            ws1.Write("NTUSER.DAT", TestData.HiveLike(256, seed: 1200));
            ws1.Write(@"AppData\Roaming\app.ini", TestData.RandomBytes(3000, seed: 1201));
            var push = (await ws1.Agent.SucceedAsync("push", "--user", @"contoso\nina", "--path", ws1.Profile)).Json;
            Assert.Equal(1, push.GetProperty("snapshot").GetProperty("number").GetInt32());
            await ws2.Agent.SucceedAsync("pull", "--user", @"contoso\nina", "--path", ws2.Profile);
            ProfileAssert.SameFiles(ws1.Snapshot(), ws2.Snapshot());

            // 3. Everything is in the storage account: packs and manifests, grain state, membership.
            var blobs = new BlobServiceClient(azurite.ConnectionString, new BlobClientOptions { Transport = tls.Transport() });
            var profileBlobs = await NamesAsync(blobs.GetBlobContainerClient(AzureStorageOptions.DefaultContainer));
            Assert.Contains("contoso%5cnina/manifests/snapshot-0000000001.manifest", profileBlobs);
            Assert.Single(profileBlobs, n => n.StartsWith("contoso%5cnina/packs/", StringComparison.Ordinal));
            Assert.NotEmpty(await NamesAsync(blobs.GetBlobContainerClient(AzureStorageOptions.DefaultStateContainer)));
            var tables = new TableServiceClient(azurite.ConnectionString, new TableClientOptions { Transport = tls.Transport() });
            var members = tables.GetTableClient(AzureStorageOptions.DefaultClusteringTable).QueryAsync<TableEntity>();
            var rows = new List<string>();
            await foreach (var row in members)
            {
                rows.Add(row.RowKey);
            }

            Assert.Contains(rows, r => r.Contains($"{silo.SiloPort}", StringComparison.Ordinal));
        }

        // 4. A token storage refuses (the wrong audience) stops a starting silo with one line, not a hang.
        identity.Audience = "https://vault.azure.net";
        var issued = identity.Issued;
        clock.Restart();
        await using var refused = ChildProcess.Start(Programs.SiloPath, [
            "--data", root.Path, "--silo-port", $"{Programs.FreePort()}", "--gateway-port", $"{Programs.FreePort()}", "--health-port", $"{Programs.FreePort()}", .. args],
            environment: environment);
        var code = await refused.WaitForExitAsync();
        output.WriteLine($"refused silo exited {code} after {clock.Elapsed.TotalSeconds:0.0} s: {refused.StandardError}");
        Assert.Equal(2, code);
        Assert.Equal(
            "profiles-silo: Azure Storage refused the silo's credentials (403 AuthenticationFailed): check Storage:Azure:Credential and ClientId and the identity's roles "
            + "on the account (Storage Blob Data Contributor, Storage Table Data Contributor), or the connection string's key.\n",
            refused.StandardError);
        Assert.True(identity.Issued > issued, "the refused silo never asked for a token");
        Assert.DoesNotContain("silo ready", refused.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task<List<string>> NamesAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Uncommitted }))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
