using System.Collections.Immutable;

namespace Orleans.Profiles;

/// <summary>The record of administrative actions (restore, gc, delete, quota), newest last (<c>admin audit</c>). Key 0.</summary>
[Alias("Orleans.Profiles.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithIntegerKey, IProfileContract
{
    [Alias("Record")]
    [ProfileAccess(ProfileAccess.Silo)]
    Task Record(AuditEntry entry);

    /// <summary>The newest <paramref name="count"/> entries, oldest first.</summary>
    [Alias("GetEntries")]
    [ProfileAccess(ProfileAccess.Admin)]
    Task<ImmutableArray<AuditEntry>> GetEntries(int count);
}
