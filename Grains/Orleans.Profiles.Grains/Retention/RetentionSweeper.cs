using Orleans.Profiles.Storage;

namespace Orleans.Profiles.Retention;

/// <summary>
/// Deletes a profile's manifests and packs that no kept snapshot and no open upload references. The grain
/// writes the state that drops snapshots first, so a crash midway only leaves garbage, never a dangling reference.
/// </summary>
internal sealed class RetentionSweeper(IPackStore packs, IManifestStore manifests)
{
    public async Task<(int Manifests, int Packs)> SweepAsync(ProfileKey profile, IReadOnlySet<int> keptSnapshots, IReadOnlySet<Guid> openSessions)
    {
        var referenced = new HashSet<Guid>(openSessions);
        var manifestsDeleted = 0;
        foreach (var name in await manifests.ListAsync(profile))
        {
            if (name.Snapshot is { } number && keptSnapshots.Contains(number))
            {
                var manifest = await manifests.ReadAsync(profile, name)
                    ?? throw new InvalidOperationException($"The manifest of snapshot {number} of {profile} vanished during garbage collection.");
                referenced.UnionWith(manifest.Locations.Select(l => l.Pack));
            }
            else if (name.Session is not { } session || !openSessions.Contains(session))
            {
                await manifests.DeleteAsync(profile, name);
                manifestsDeleted++;
            }
        }

        var packsDeleted = 0;
        foreach (var pack in await packs.ListAsync(profile))
        {
            if (!referenced.Contains(pack))
            {
                await packs.DiscardAsync(profile, pack);
                packsDeleted++;
            }
        }

        return (manifestsDeleted, packsDeleted);
    }
}
