namespace Orleans.Profiles;

/// <summary>
/// The normalised name of a workstation, as a machine token names it: a NetBIOS or DNS host name
/// (<c>WS042</c>, <c>ws042.contoso.com</c>). Windows compares computer names case-insensitively, so the
/// normal form is upper case.
/// </summary>
public readonly record struct MachineName
{
    /// <summary>The longest DNS name; a NetBIOS name is at most 15 characters, a DNS label at most 63.</summary>
    public const int MaxLength = 253;
    public const int MaxLabelLength = 63;

    private MachineName(string value) => Value = value;

    /// <summary>The normalised form, for example <c>WS042</c>.</summary>
    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>Normalises a machine name or throws <see cref="InvalidMachineNameException"/>.</summary>
    public static MachineName Parse(string? name)
        => TryParse(name, out var machine, out var reason) ? machine : throw new InvalidMachineNameException(name ?? "", reason);

    public static bool TryParse(string? name, out MachineName machine, out string reason)
    {
        machine = default;
        if (string.IsNullOrEmpty(name))
        {
            reason = "the machine name is empty";
            return false;
        }

        if (name.Length > MaxLength)
        {
            reason = $"the machine name is longer than {MaxLength} characters";
            return false;
        }

        var labels = name.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength)
            {
                reason = $"each dot-separated part must have 1 to {MaxLabelLength} characters";
                return false;
            }

            // Letters, digits and hyphens as DNS allows; underscores, which Windows still accepts in NetBIOS names.
            if (label.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) is var bad and not '\0')
            {
                reason = char.IsControl(bad) || char.IsWhiteSpace(bad)
                    ? $"the machine name contains U+{(int)bad:X4}; only letters, digits, '-' and '_' are allowed"
                    : $"the machine name contains '{bad}'; only letters, digits, '-' and '_' are allowed";
                return false;
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                reason = "a part of the machine name may not start or end with '-'";
                return false;
            }
        }

        if (labels[0].All(char.IsAsciiDigit))
        {
            reason = "a machine name may not be all digits";
            return false;
        }

        machine = new MachineName(name.ToUpperInvariant());
        reason = "";
        return true;
    }
}
