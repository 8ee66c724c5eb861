namespace Orleans.Profiles;

/// <summary>One administrative action: who (the token's subject), what, on which profile, when, and how it ended.</summary>
/// <param name="Outcome"><c>ok</c>, or the failure's type (e.g. <c>UploadsOpenException</c>).</param>
[GenerateSerializer, Immutable, Alias("Orleans.Profiles.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Subject,
    [property: Id(2)] string Action,
    [property: Id(3)] string Profile,
    [property: Id(4)] string Detail,
    [property: Id(5)] string Outcome);
