using System.Globalization;
using System.Buffers;
using System.Text;

namespace Orleans.Profiles;

/// <summary>
/// The normalised name of a roaming profile: one per Windows account. Account names are
/// case-insensitive, so <c>CONTOSO\Alice</c> and <c>contoso\alice</c> are one key.
/// </summary>
public readonly record struct ProfileKey
{
    public const int MaxLength = 256;
    public const char DomainSeparator = '\\';
    public const char UpnSeparator = '@';

    // Characters Windows forbids in account and NetBIOS domain names (besides the separators).
    private static readonly SearchValues<char> Forbidden = SearchValues.Create("\"/[]:;|=,+*?<>");

    private ProfileKey(string value) => Value = value;

    /// <summary>The normalised form, for example <c>contoso\alice</c>.</summary>
    public string Value { get; }

    /// <summary>The key as a single file or blob name (see <see cref="StorageNames.Encode"/>).</summary>
    public string StorageName => StorageNames.Encode(Value);

    public override string ToString() => Value;

    /// <summary>Normalises an account name or throws <see cref="InvalidProfileKeyException"/>.</summary>
    /// <param name="account"><c>DOMAIN\user</c>, <c>user@dns.domain</c> or a bare <c>user</c>.</param>
    /// <param name="upnDomains">Optional map from UPN suffix (<c>contoso.com</c>) to NetBIOS domain
    /// (<c>CONTOSO</c>), so that a UPN reaches the same profile as the down-level name.</param>
    public static ProfileKey Parse(string? account, IReadOnlyDictionary<string, string>? upnDomains = null)
        => TryParse(account, upnDomains, out var key, out var reason)
            ? key
            : throw new InvalidProfileKeyException(account ?? "", reason);

    /// <summary>
    /// Reads a grain key, which must already be normalised: a caller that skipped normalisation is
    /// refused rather than silently given a second profile.
    /// </summary>
    public static ProfileKey ParseNormalized(string key)
    {
        var parsed = Parse(key);
        return parsed.Value == key ? parsed : throw new InvalidProfileKeyException(key, $"not normalised (use \"{parsed.Value}\")");
    }

    public static bool TryParse(string? account, out ProfileKey key) => TryParse(account, null, out key, out _);

    public static bool TryParse(string? account, IReadOnlyDictionary<string, string>? upnDomains, out ProfileKey key, out string reason)
    {
        key = default;
        if (string.IsNullOrEmpty(account))
        {
            reason = "the account name is empty";
            return false;
        }

        if (account.Length > MaxLength)
        {
            reason = $"the account name is longer than {MaxLength} characters";
            return false;
        }

        // Case only: Windows compares account names case-insensitively and does not apply Unicode normalisation.
        var normalized = account.ToLowerInvariant();
        foreach (var c in normalized)
        {
            if (char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                reason = $"the account name contains the control character U+{(int)c:X4}";
                return false;
            }
        }

        if (normalized.AsSpan().IndexOfAny(Forbidden) is var bad and >= 0)
        {
            reason = $"the account name contains '{normalized[bad]}', which Windows does not allow";
            return false;
        }

        var separators = normalized.Count(c => c == DomainSeparator);
        var ats = normalized.Count(c => c == UpnSeparator);
        if (separators > 1 || ats > 1 || (separators == 1 && ats == 1))
        {
            reason = @"the account name must be DOMAIN\user, user@domain or user, with one separator at most";
            return false;
        }

        string? domain = null, user = normalized;
        if (separators == 1)
        {
            var at = normalized.IndexOf(DomainSeparator);
            domain = normalized[..at];
            user = normalized[(at + 1)..];
        }
        else if (ats == 1)
        {
            var at = normalized.IndexOf(UpnSeparator);
            var suffix = normalized[(at + 1)..];
            user = normalized[..at];
            if (suffix.Length == 0 || user.Length == 0)
            {
                reason = "the user principal name has an empty part";
                return false;
            }

            if (upnDomains is not null && Lookup(upnDomains, suffix) is { } mapped)
            {
                return TryParse($"{mapped}{DomainSeparator}{user}", null, out key, out reason);
            }
        }

        foreach (var part in (ReadOnlySpan<string?>)[domain, user])
        {
            if (part is null)
            {
                continue;
            }

            if (part.Length == 0)
            {
                reason = "the account name has an empty domain or user part";
                return false;
            }

            if (char.IsWhiteSpace(part[0]) || char.IsWhiteSpace(part[^1]) || part[^1] == '.')
            {
                reason = "a domain or user name may not start or end with a space, or end with a period";
                return false;
            }
        }

        key = new ProfileKey(normalized);
        reason = "";
        return true;
    }

    private static string? Lookup(IReadOnlyDictionary<string, string> map, string suffix)
    {
        foreach (var (dns, netbios) in map)
        {
            if (string.Equals(dns, suffix, StringComparison.OrdinalIgnoreCase))
            {
                return netbios;
            }
        }

        return null;
    }
}
