using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orleans.Profiles;

public static class StorageNames
{
    /// <summary>
    /// The longest name <see cref="Encode"/> returns. File systems allow 255 per name, and a temporary
    /// file adds about 50 characters to it; a valid 256-character account in Cyrillic or CJK encodes to
    /// more than 2,000.
    /// </summary>
    public const int MaxLength = 160;

    // A readable prefix, '~' (never produced by the encoding), then the SHA-256 of the whole value.
    private const int HashedPrefixLength = MaxLength - 1 - 64;

    /// <summary>
    /// Makes any string a single file or blob name of at most <see cref="MaxLength"/> characters: every
    /// character outside <c>[a-z0-9._-]</c> (upper case included, so case-sensitive and case-insensitive
    /// stores agree) is percent-encoded as UTF-8; a longer result keeps its start and ends with the
    /// SHA-256 of the value. No name can escape its folder and distinct strings never collide.
    /// </summary>
    public static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' || (c == '.' && builder.Length > 0))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        if (builder.Length <= MaxLength)
        {
            return builder.ToString();
        }

        // Cut before a '%' escape, never inside one, so the prefix stays a valid encoding.
        var prefix = HashedPrefixLength;
        for (var i = Math.Max(0, prefix - 2); i < prefix; i++)
        {
            if (builder[i] == '%')
            {
                prefix = i;
                break;
            }
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
        return string.Concat(builder.ToString(0, prefix), "~", hash);
    }
}
