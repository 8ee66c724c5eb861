using System.Collections.Immutable;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>One method of a profile grain with arguments that would change the victim if the call were let through.</summary>
public sealed record ProfileCall(string Method, ProfileAccess Access, Func<IGrainFactory, string, Task<object?>> Send)
{
    public override string ToString() => Method;

    /// <summary>
    /// Every method of the three profile contracts. Restore, begin (from the machine of the victim's open
    /// session, which would supersede it), put (of chunks the session lacks, raw or compressed), abort, garbage
    /// collection, a forced delete and a 1-byte quota would all change the victim's state if they ran; the delta
    /// begin carries no delta, so only the authorisation filter decides what it meets.
    /// </summary>
    public static IReadOnlyList<ProfileCall> All(HostileStore s)
    {
        var takeover = G.Upload([G.File("evil.txt", 100, 4096, seed: 7)]);
        var begin = new BeginUploadRequest(BeginUploadRequest.DeriveSessionId(takeover.ComputeHash(), 1, HostileStore.VictimMachine), takeover, takeover.ComputeHash(), 1, HostileStore.VictimMachine);
        ImmutableArray<ChunkPayload> missing = [.. s.VictimMissing.Select(s.VictimV2.Payload)];
        return
        [
            new("GetStatus", ProfileAccess.Owner | ProfileAccess.Admin | ProfileAccess.Machine, async (g, k) => await g.GetGrain<IProfileGrain>(k).GetStatus()),
            new("GetHistory", ProfileAccess.Owner | ProfileAccess.Admin, async (g, k) => await g.GetGrain<IProfileGrain>(k).GetHistory()),
            new("GetSnapshot", ProfileAccess.Owner | ProfileAccess.Machine, async (g, k) => await g.GetGrain<IProfileGrain>(k).GetSnapshot(0)),
            new("Restore", ProfileAccess.Owner | ProfileAccess.Admin, async (g, k) => await g.GetGrain<IProfileGrain>(k).Restore(1, "EVIL")),
            new("GetSnapshotDelta", ProfileAccess.Owner | ProfileAccess.Machine, async (g, k) => await g.GetGrain<IProfileGrain>(k).GetSnapshotDelta(0, 1)),
            new("CollectGarbage", ProfileAccess.Admin, async (g, k) => await g.GetGrain<IProfileGrain>(k).CollectGarbage()),
            new("Delete", ProfileAccess.Admin, async (g, k) => await g.GetGrain<IProfileGrain>(k).Delete(k, force: true)),
            new("SetQuota", ProfileAccess.Admin, async (g, k) => await g.GetGrain<IProfileGrain>(k).SetQuota(1)),
            new("BeginUpload", ProfileAccess.Owner | ProfileAccess.Machine, async (g, k) => await g.GetGrain<IProfileUploadGrain>(k).BeginUpload(begin)),
            new("BeginDeltaUpload", ProfileAccess.Owner | ProfileAccess.Machine, async (g, k) => await g.GetGrain<IProfileUploadGrain>(k).BeginDeltaUpload(new DeltaUploadRequest(begin.SessionId, begin.ManifestHash, 1, begin.Machine, []))),
            new("PutCompressedChunks", ProfileAccess.Owner | ProfileAccess.Machine, async (g, k) => await g.GetGrain<IProfileUploadGrain>(k).PutCompressedChunks(s.VictimSession, CompressedChunks.Of([.. missing.Select(c => (c.Hash, c.Data))]))),
            new("PutChunks", ProfileAccess.Owner | ProfileAccess.Machine, async (g, k) => await g.GetGrain<IProfileUploadGrain>(k).PutChunks(s.VictimSession, missing)),
            new("CommitUpload", ProfileAccess.Owner | ProfileAccess.Machine, async (g, k) => await g.GetGrain<IProfileUploadGrain>(k).CommitUpload(s.VictimSession)),
            new("AbortUpload", ProfileAccess.Owner, async (g, k) =>
            {
                await g.GetGrain<IProfileUploadGrain>(k).AbortUpload(s.VictimSession);
                return null;
            }),
            new("ReadChunks", ProfileAccess.Owner | ProfileAccess.Machine, async (g, k) => await g.GetGrain<IChunkReaderGrain>(k).ReadChunks(s.VictimManifest.Locations)),
            new("ReadCompressedChunks", ProfileAccess.Owner | ProfileAccess.Machine, async (g, k) => await g.GetGrain<IChunkReaderGrain>(k).ReadCompressedChunks(s.VictimManifest.Locations)),
        ];
    }
}
