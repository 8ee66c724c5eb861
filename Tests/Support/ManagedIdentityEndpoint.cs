using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Orleans.Profiles.Tests.EndToEnd;

namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// A managed identity token endpoint on 127.0.0.1, as App Service runs one beside each app
/// (<c>IDENTITY_ENDPOINT</c> and the secret <c>IDENTITY_HEADER</c>): Azure.Identity's real
/// <c>ManagedIdentityCredential</c> asks it for tokens over plain HTTP on loopback, as in production.
/// Each token is an Entra-shaped JWT for <see cref="Audience"/>, signed with a throwaway key (Azurite's basic
/// OAuth checks issuer, audience and lifetime, not the signature).
/// </summary>
public sealed class ManagedIdentityEndpoint : IAsyncDisposable
{
    public const string StorageAudience = "https://storage.azure.com";
    private const string Issuer = "https://sts.windows.net/00000000-0000-0000-0000-0000000000aa/";
    private readonly HttpListener _listener = new();
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256));
    private readonly string _secret = $"identity-{Guid.NewGuid():N}";
    private readonly Task _serving;
    private int _issued;

    public ManagedIdentityEndpoint()
    {
        Uri = new Uri($"http://127.0.0.1:{Programs.FreePort()}/msi/token/");
        _listener.Prefixes.Add(Uri.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Uri { get; }

    /// <summary>The audience of the tokens it issues from now on; another one makes storage refuse them.</summary>
    public string Audience { get; set; } = StorageAudience;

    /// <summary>How many tokens it has issued.</summary>
    public int Issued => Volatile.Read(ref _issued);

    /// <summary>What a process needs to find this endpoint (App Service's variables).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["IDENTITY_ENDPOINT"] = Uri.ToString(),
        ["IDENTITY_HEADER"] = _secret,
    };

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
            // Closed while waiting for the next request.
        }

        _key.ECDsa.Dispose();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            using var response = context.Response;
            var resource = context.Request.QueryString["resource"];
            if (context.Request.Headers["X-IDENTITY-HEADER"] != _secret || string.IsNullOrEmpty(resource))
            {
                response.StatusCode = 400;
                continue;
            }

            var now = DateTime.UtcNow;
            var token = ProfileTokens.Sign([new Claim("oid", "00000000-0000-0000-0000-0000000000bb")], _key, now, TimeSpan.FromHours(1), Issuer, Audience);
            var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
            {
                ["access_token"] = token,
                ["expires_on"] = $"{new DateTimeOffset(now).AddHours(1).ToUnixTimeSeconds()}",
                ["resource"] = resource,
                ["token_type"] = "Bearer",
            });
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(body);
            Interlocked.Increment(ref _issued);
        }
    }
}
