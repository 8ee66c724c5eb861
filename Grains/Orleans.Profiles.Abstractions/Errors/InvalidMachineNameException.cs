namespace Orleans.Profiles;

/// <summary>A name that cannot name a workstation (empty, characters outside letters, digits, '-' and '_', too long).</summary>
[GenerateSerializer, Alias("Orleans.Profiles.InvalidMachineNameException")]
public sealed class InvalidMachineNameException : ProfileStoreException
{
    public InvalidMachineNameException(string machine, string reason)
        : base($"Invalid machine name \"{machine}\": {reason}.")
    {
        Machine = machine;
        Reason = reason;
    }

    [Id(0)] public string Machine { get; private set; }

    [Id(1)] public string Reason { get; private set; }

    public override bool IsBadInput => true;
}
