using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Security;

/// <summary>A silo can take its signing keys from a JWKS file (offline) or from an OpenID Connect authority.</summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class TokenSourcesTests : IDisposable
{
    private static readonly ProfileKey Alice = ProfileKey.Parse(@"contoso\alice");
    private readonly TestKeys _keys = new();
    private readonly TestKeys _stranger = new(ecdsa: true);
    private readonly TempDirectory _data = new("token-sources");

    public void Dispose()
    {
        RequestContext.Clear();
        _keys.Dispose();
        _stranger.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Keys_from_a_JWKS_file_validate_tokens()
    {
        var jwks = _data.Combine("keys.jwks.json");
        await File.WriteAllTextAsync(jwks, Jwks(_keys));
        await using var cluster = await ProfileStoreCluster.StartAsync(_data.Combine("store"), configureSilo: silo => silo.AddProfileAuthentication(o => o.JwksFile = jwks));

        await AssertOnlyTheKeysTokensPassAsync(cluster);
    }

    [Fact]
    public async Task Keys_published_by_an_OpenID_Connect_authority_validate_tokens()
    {
        using var authority = new HttpListener();
        var port = Programs.FreePort();
        var root = $"http://127.0.0.1:{port}/";
        authority.Prefixes.Add(root);
        authority.Start();
        var serving = ServeAsync(authority, new Dictionary<string, string>
        {
            ["/.well-known/openid-configuration"] = JsonSerializer.Serialize(new { issuer = ProfileTokens.DefaultIssuer, jwks_uri = root + "keys" }),
            ["/keys"] = Jwks(_keys),
        });
        await using (var cluster = await ProfileStoreCluster.StartAsync(_data.Combine("store"), configureSilo: silo => silo.AddProfileAuthentication(o => o.Authority = root)))
        {
            await AssertOnlyTheKeysTokensPassAsync(cluster);
        }

        authority.Stop();
        await serving;
    }

    private async Task AssertOnlyTheKeysTokensPassAsync(ProfileStoreCluster cluster)
    {
        RequestContext.Set(ProfileTokens.RequestContextKey, _keys.Issue(@"contoso\alice"));
        Assert.Null((await cluster.Profile(Alice).GetStatus()).Current);

        RequestContext.Set(ProfileTokens.RequestContextKey, _stranger.Issue(@"contoso\alice"));
        var refused = await Assert.ThrowsAsync<NotAuthorizedException>(() => cluster.Profile(Alice).GetStatus());
        Assert.Contains("signature", refused.Message, StringComparison.Ordinal);
    }

    private static string Jwks(TestKeys keys)
    {
        var key = JsonWebKeyConverter.ConvertFromSecurityKey(ProfileTokens.LoadPemKey(keys.PublicKeyFile));
        key.Use = "sig";
        return JsonSerializer.Serialize(new { keys = new[] { key } }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
    }

    /// <summary>Answers GETs from fixed documents until the listener stops.</summary>
    private static async Task ServeAsync(HttpListener listener, Dictionary<string, string> documents)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var found = documents.TryGetValue(context.Request.Url!.AbsolutePath, out var body);
            context.Response.StatusCode = found ? 200 : 404;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body ?? "");
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
