using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Orleans.Profiles.Sync;

/// <summary>
/// TLS for one connection attempt of <see cref="StoreConnection"/>: wraps each gateway connection in TLS, validates
/// the gateway's certificate, and remembers why a handshake failed. Once every gateway has failed its handshake the
/// attempt is cut short rather than left to time out: a refused certificate ends the call at once (it will not fix
/// itself), any other handshake failure is reported as a network failure and retried.
/// </summary>
internal sealed class GatewayTls
{
    private static readonly AsyncLocal<Handshake?> Current = new();
    private readonly ClientTlsOptions _options;
    private readonly TimeSpan _handshakeTimeout;
    private readonly IReadOnlyList<IPEndPoint> _gateways;
    private readonly ConcurrentDictionary<string, Handshake> _failures = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _allFailed = new();

    private GatewayTls(ClientTlsOptions options, ProfileSyncOptions sync)
    {
        _options = options;
        _gateways = sync.Gateways;
        _handshakeTimeout = options.HandshakeTimeout < sync.ResponseTimeout ? options.HandshakeTimeout : sync.ResponseTimeout;
    }

    /// <summary>TLS for one connection attempt, or null when the store is reached in plaintext.</summary>
    public static GatewayTls? For(ProfileSyncOptions options) => options.Tls is { } tls ? new GatewayTls(tls, options) : null;

    public void Configure(IClientBuilder client)
    {
        var tls = new TlsOptions
        {
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            ClientCertificateMode = RemoteCertificateMode.NoCertificate,
            RemoteCertificateValidation = Validate,
            OnAuthenticateAsClient = (context, o) => o.TargetHost = Current.Value?.TargetHost ?? TargetHost(context.RemoteEndPoint),
            HandshakeTimeout = _handshakeTimeout,
        };
        client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(connection =>
        {
            connection.Use(Watch);
            connection.UseClientTls(tls);
            connection.Use(next => context =>
            {
                Current.Value?.Completed = true;
                return next(context);
            });
        }));
    }

    /// <summary>Cancels <paramref name="attempt"/> as soon as every gateway has failed its TLS handshake.</summary>
    public IDisposable CancelWhenEveryGatewayFails(CancellationTokenSource attempt) => _allFailed.Token.Register(attempt.Cancel);

    /// <summary>
    /// After a failed connection attempt: if TLS is why, throws what says so — <see cref="StoreUnreachableException"/>
    /// (final) when every gateway's certificate was refused, an <see cref="IOException"/> (retried) otherwise.
    /// </summary>
    public void ThrowIfHandshakeFailed(Exception cause, CancellationToken cancellationToken)
    {
        if (_failures.IsEmpty || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        var failures = _failures.Values.OrderBy(f => f.Gateway, StringComparer.Ordinal).ToList();
        var text = string.Join("; ", failures.Select(f => f.Refusal ?? $"the TLS handshake with gateway {f.Gateway} failed (is TLS on at that silo? --verbose tells more)"));
        if (_gateways.All(g => _failures.ContainsKey(Key(g))) && failures.All(f => f.Refusal is not null))
        {
            throw new StoreUnreachableException($"{text}. Nothing was changed; a certificate problem is not retried.", new AuthenticationException(text, cause));
        }

        throw new IOException(text, cause);
    }

    private ConnectionDelegate Watch(ConnectionDelegate next) => async context =>
    {
        var handshake = new Handshake(Key(context.RemoteEndPoint), TargetHost(context.RemoteEndPoint));
        Current.Value = handshake;
        try
        {
            await next(context);
        }
        finally
        {
            if (!handshake.Completed)
            {
                _failures.TryAdd(handshake.Gateway, handshake);
                if (_gateways.All(g => _failures.ContainsKey(Key(g))))
                {
                    _allFailed.Cancel();
                }
            }
        }
    };

    private bool Validate(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        var handshake = Current.Value;
        var target = handshake?.TargetHost ?? "";
        var problems = new List<string>();
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            problems.Add($"it is not issued for {target}, the name the gateway was dialed by (it names {Names(certificate)}): give --gateway a name or address the certificate holds");
        }

        if (_options.Authorities is null)
        {
            if ((errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                problems.Add($"it does not chain to a certificate authority this machine trusts ({(presented is null ? errors.ToString() : TlsCertificates.DescribeChain(presented))}); give the silos' CA with --tls-ca");
            }
        }
        else if (TlsCertificates.ChainProblem(certificate, _options.Authorities, TlsCertificates.Intermediates(presented), TlsCertificates.ServerAuthenticationOid) is { } chain)
        {
            problems.Add($"it does not chain to a certificate authority of {_options.AuthoritiesSource ?? "the configured authorities"} ({chain})");
        }

        if (problems.Count == 0)
        {
            return true;
        }

        handshake?.Refusal = $"the TLS certificate of gateway {handshake.Gateway} ({certificate.Subject}, issued by {certificate.Issuer}) was refused: {string.Join("; and ", problems)}";
        return false;
    }

    private static string Names(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(san => san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString())))
            .ToList();
        return names.Count > 0 ? string.Join(", ", names) : "no subject alternative name";
    }

    private string TargetHost(EndPoint? remote)
    {
        var address = remote switch
        {
            IPEndPoint ip => ip.Address,
            DnsEndPoint dns => IPAddress.TryParse(dns.Host, out var parsed) ? parsed : null,
            _ => _gateways.Count == 1 ? _gateways[0].Address : null,
        };
        if (address is null)
        {
            return remote is DnsEndPoint named ? named.Host : "";
        }

        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _options.HostNames.TryGetValue(address, out var host) ? host : address.ToString();
    }

    private string Key(EndPoint? remote) => remote switch
    {
        IPEndPoint ip => new IPEndPoint(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address, ip.Port).ToString(),
        null when _gateways.Count == 1 => _gateways[0].ToString(),
        _ => remote?.ToString() ?? "?",
    };

    private sealed class Handshake(string gateway, string targetHost)
    {
        public string Gateway { get; } = gateway;

        public string TargetHost { get; } = targetHost;

        public bool Completed { get; set; }

        public string? Refusal { get; set; }
    }
}
