namespace Orleans.Profiles;

/// <summary>A request over one of the store's configured limits (batch size, file count, file size…).</summary>
[GenerateSerializer, Alias("Orleans.Profiles.RequestLimitException")]
public sealed class RequestLimitException : ProfileStoreException
{
    public RequestLimitException(string limit, long value, long maximum)
        : base($"{limit} is {value}, over the limit of {maximum}: the request was refused and nothing changed.")
    {
        Limit = limit;
        Value = value;
        Maximum = maximum;
    }

    [Id(0)] public string Limit { get; private set; }

    [Id(1)] public long Value { get; private set; }

    [Id(2)] public long Maximum { get; private set; }

    public override bool IsBadInput => true;
}
