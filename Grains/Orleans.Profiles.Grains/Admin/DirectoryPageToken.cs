using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Orleans.Profiles.Admin;

/// <summary>
/// A page token: the query's fingerprint (filters, sort, days) and the order key of the last profile listed,
/// base64url. Not a secret and not signed (only administrators list), but a token from another query or not
/// from this store at all is refused rather than read as a place in this one.
/// </summary>
public static class DirectoryPageToken
{
    private const byte Version = 1;
    private const int FingerprintSize = 8;

    public static byte[] Fingerprint(DirectoryFilter filter, ProfileSort sort, int days)
        => SHA256.HashData(Encoding.UTF8.GetBytes($"{sort}\n{days}\n{filter.Canonical}"))[..FingerprintSize];

    public static string Encode(byte[] fingerprint, DirectoryOrder last)
    {
        var account = Encoding.UTF8.GetBytes(last.Account);
        var bytes = new byte[1 + FingerprintSize + sizeof(long) + account.Length];
        bytes[0] = Version;
        fingerprint.CopyTo(bytes, 1);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1 + FingerprintSize), last.Rank);
        account.CopyTo(bytes, 1 + FingerprintSize + sizeof(long));
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <exception cref="InvalidPageTokenException">The token is not one this store issued, or another query issued it.</exception>
    public static DirectoryOrder Decode(string token, byte[] fingerprint)
    {
        byte[] bytes;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            bytes = Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException("it is not a page token of this store");
        }

        if (bytes.Length <= 1 + FingerprintSize + sizeof(long) || bytes[0] != Version)
        {
            throw new InvalidPageTokenException("it is not a page token of this store");
        }

        if (!bytes.AsSpan(1, FingerprintSize).SequenceEqual(fingerprint))
        {
            throw new InvalidPageTokenException("it was issued for another query (other filters, sort or days): start that query again without a token");
        }

        string account;
        try
        {
            account = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 1 + FingerprintSize + sizeof(long), bytes.Length - 1 - FingerprintSize - sizeof(long));
        }
        catch (ArgumentException)
        {
            throw new InvalidPageTokenException("it is not a page token of this store");
        }

        return new DirectoryOrder(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1 + FingerprintSize)), account);
    }
}
