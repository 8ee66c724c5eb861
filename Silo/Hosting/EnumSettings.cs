using System.Reflection;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>
/// Checks enum-valued settings as written, before they are bound: the binder would take <c>7</c> for a value no enum
/// member has and throw for an unknown name, so only a member's name (any letter case) is accepted.
/// </summary>
public static class EnumSettings
{
    /// <summary>Adds a failure for every enum-typed property of <paramref name="optionsType"/> whose value in <paramref name="section"/> is not a member's name.</summary>
    public static void Check(IConfigurationSection section, Type optionsType, List<string> failures)
    {
        foreach (var property in optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsEnum && section[property.Name] is { } raw && Parse(type, raw) is null)
            {
                failures.Add(NotOneOf($"{section.Path}:{property.Name}", raw, type));
            }
        }
    }

    /// <summary>The member named <paramref name="raw"/> ignoring case, or null: numbers and combinations are not names.</summary>
    public static object? Parse(Type enumType, string raw)
        => Enum.GetNames(enumType).FirstOrDefault(n => string.Equals(n, raw.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse(enumType, name)
            : null;

    public static string NotOneOf(string key, string raw, Type enumType)
        => $"{SettingNames.Describe(key)}: '{raw}' is not one of {string.Join(", ", Enum.GetNames(enumType))}.";
}
