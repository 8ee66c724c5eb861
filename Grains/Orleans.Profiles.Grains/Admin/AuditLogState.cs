namespace Orleans.Profiles.Admin;

[GenerateSerializer, Alias("Orleans.Profiles.Admin.AuditLogState")]
public sealed class AuditLogState
{
    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];
}
