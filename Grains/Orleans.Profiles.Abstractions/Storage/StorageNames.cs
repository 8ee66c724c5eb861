using System.Globalization;
using System.Text;

namespace Orleans.Profiles;

public static class StorageNames
{
    /// <summary>
    /// Makes any string a single file or blob name: every character outside <c>[a-z0-9._-]</c>
    /// (upper case included, so case-sensitive and case-insensitive stores agree) is percent-encoded
    /// as UTF-8. No name can escape its folder and distinct strings never collide.
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

        return builder.ToString();
    }
}
