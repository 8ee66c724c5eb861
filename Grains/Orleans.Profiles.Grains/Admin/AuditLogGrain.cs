using System.Collections.Immutable;
using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Admin;

/// <summary>
/// The audit record, in the profiles' grain storage; the newest <see cref="MaxEntries"/> are kept (the structured
/// log events, <c>Orleans.Profiles.Admin.AdminAudit</c>, are the long-term record for a log store).
/// </summary>
public sealed class AuditLogGrain([PersistentState("audit", ProfileStorageNames.GrainState)] IPersistentState<AuditLogState> state) : Grain, IAuditLogGrain
{
    public const int MaxEntries = 10_000;

    public async Task Record(AuditEntry entry)
    {
        state.State.Entries.Add(entry);
        if (state.State.Entries.Count > MaxEntries)
        {
            state.State.Entries.RemoveRange(0, state.State.Entries.Count - MaxEntries);
        }

        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<AuditEntry>> GetEntries(int count)
        => Task.FromResult(state.State.Entries.TakeLast(Math.Clamp(count, 0, MaxEntries)).ToImmutableArray());
}
