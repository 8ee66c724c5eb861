using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Orleans.Profiles.Tests.Support;
using TestData = Orleans.Profiles.Tests.Support.TestData;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>Content a sequence pushes: an honest one, or one whose manifest lies in a way only a later call can catch.</summary>
public sealed record Content(string Name, ProfileManifest Manifest, IReadOnlyDictionary<ContentHash, byte[]> Bytes)
{
    public ContentHash Hash { get; } = Manifest.ComputeHash();

    /// <summary>Every distinct chunk, in manifest order.</summary>
    public ImmutableArray<ContentHash> Distinct { get; } = [.. Manifest.Files.SelectMany(f => f.Chunks).Distinct()];

    /// <summary>The length the manifest gives each distinct chunk (the first file that names it decides).</summary>
    public IReadOnlyDictionary<ContentHash, int> Needed { get; } = Manifest.Files
        .SelectMany(f => f.Chunks.Select((h, i) => (h, f.ChunkLength(i))))
        .DistinctBy(x => x.h)
        .ToDictionary(x => x.h, x => x.Item2);

    public override string ToString() => Name;
}

public enum BaseChoice
{
    None,
    Current,
    Previous,
    Last,
    Negative,
    Future,
}

public enum PutFault
{
    None,
    FlipByte,
    CutShort,
    NotInManifest,
    NullBytes,
    NullChunk,
}

/// <summary>One call of a sequence. Session, content and machine are indexes into the case's and the store's lists.</summary>
public abstract record Op
{
    public static readonly string[] Machines = ["WS-A", "WS-B", "ws-a", "WS-C"];
}

public sealed record BeginOp(int Session, int Content, BaseChoice Base, int Machine) : Op
{
    public override string ToString() => $"Begin(s{Session}, {HostileSequenceStore.ContentNames[Content]}, base {Base}, {Machines[Machine]})";
}

public sealed record PutOp(int Session, int Content, int Mask, PutFault Fault, int At) : Op
{
    public override string ToString() => $"Put(s{Session}, chunks of {HostileSequenceStore.ContentNames[Content]} mask {Mask:X}, {Fault}@{At})";
}

public sealed record CommitOp(int Session) : Op
{
    public override string ToString() => $"Commit(s{Session})";
}

public sealed record AbortOp(int Session) : Op
{
    public override string ToString() => $"Abort(s{Session})";
}

public sealed record GetOp(int Number) : Op
{
    public override string ToString() => $"GetSnapshot({Number})";
}

public sealed record RestoreOp(int Number, int Machine) : Op
{
    public override string ToString() => $"Restore({Number}, {Machines[Machine]})";
}

/// <summary>A generated sequence of calls against a fresh profile, with the session ids it uses.</summary>
public sealed record SequenceCase(ImmutableArray<Guid> Sessions, ImmutableArray<Op> Ops)
{
    public override string ToString() => $"sessions [{string.Join(", ", Sessions.Select((s, i) => $"s{i}={s:N}"))}]: {string.Join("; ", Ops)}";

    /// <summary>Shorter sequences: one call left out.</summary>
    public IEnumerable<SequenceCase> Shrinks() => Enumerable.Range(0, Ops.Length).Select(i => this with { Ops = Ops.RemoveAt(i) });

    public static Gen<SequenceCase> Generator(int contents)
    {
        var session = Gen.Choose(0, 2);
        var content = Gen.Choose(0, contents - 1);
        var machine = Gen.Choose(0, Op.Machines.Length - 1);
        var baseChoice = Gen.Frequency((4, Gen.Constant(BaseChoice.Current)), (2, Gen.Constant(BaseChoice.None)), (2, Gen.Constant(BaseChoice.Previous)), (1, Gen.Constant(BaseChoice.Last)), (1, Gen.Constant(BaseChoice.Negative)), (1, Gen.Constant(BaseChoice.Future)));
        var fault = Gen.Frequency((5, Gen.Constant(PutFault.None)), (1, Gen.Elements(PutFault.FlipByte, PutFault.CutShort, PutFault.NotInManifest, PutFault.NullBytes, PutFault.NullChunk)));
        var begin = from s in session from c in content from b in baseChoice from m in machine select (Op)new BeginOp(s, c, b, m);
        var put = from s in session from c in content from mask in Gen.Choose(0, int.MaxValue) from f in fault from at in Gen.Choose(0, 100) select (Op)new PutOp(s, c, mask, f, at);
        var single = Gen.Frequency(
            (6, begin),
            (6, put),
            (4, session.Select(s => (Op)new CommitOp(s))),
            (2, session.Select(s => (Op)new AbortOp(s))),
            (1, Gen.Choose(-2, 6).Select(n => (Op)new GetOp(n))),
            (1, from n in Gen.Choose(-1, 5) from m in machine select (Op)new RestoreOp(n, m)));

        // Patterns that put calls out of order or repeat them, with the chunks of the content begun sent whole.
        var patterns = Gen.OneOf(
            from s in session from c in content from b in baseChoice from m in machine
                select new Op[] { new BeginOp(s, c, b, m), new PutOp(s, c, -1, PutFault.None, 0), new CommitOp(s), new GetOp(0) },
            from s in session from c in content from b in baseChoice from m in machine
                select new Op[] { new BeginOp(s, c, b, m), new PutOp(s, c, -1, PutFault.None, 0), new CommitOp(s), new CommitOp(s), new PutOp(s, c, -1, PutFault.None, 0), new BeginOp(s, c, b, m) },
            from s in session from c in content from b in baseChoice from m in machine
                select new Op[] { new CommitOp(s), new PutOp(s, c, -1, PutFault.None, 0), new BeginOp(s, c, b, m), new CommitOp(s) },
            from s in session from c in content from b in baseChoice from m in machine from f in fault
                select new Op[] { new BeginOp(s, c, b, m), new AbortOp(s), new PutOp(s, c, -1, f, 0), new CommitOp(s), new AbortOp(s) },
            from s in session from c1 in content from c2 in content from b in baseChoice from m in machine
                select new Op[] { new BeginOp(s, c1, b, m), new BeginOp(s, c2, b, m) },
            from s1 in session from s2 in session from c in content from b in baseChoice from m1 in machine from m2 in machine
                select new Op[] { new BeginOp(s1, c, b, m1), new BeginOp(s2, c, b, m2), new PutOp(s1, c, -1, PutFault.None, 0), new CommitOp(s1), new CommitOp(s2) },
            // Two machines push from the same base: the second commit is a conflict.
            from c1 in content from c2 in content from m in Gen.Elements((0, 1), (1, 3), (2, 3))
                select new Op[] { new BeginOp(0, c1, BaseChoice.Current, m.Item1), new BeginOp(1, c2, BaseChoice.Current, m.Item2), new PutOp(0, c1, -1, PutFault.None, 0), new CommitOp(0), new PutOp(1, c2, -1, PutFault.None, 0), new CommitOp(1) },
            // Three machines at once, over the limit of open sessions.
            from c in content from m in Gen.Elements((0, 1, 3), (2, 1, 3), (3, 0, 1))
                select new Op[] { new BeginOp(0, c, BaseChoice.Current, m.Item1), new BeginOp(1, c, BaseChoice.Current, m.Item2), new BeginOp(2, c, BaseChoice.Current, m.Item3) },
            // History filled by restores (which the quota does not stop), then a push over the quota.
            from c in content from restores in Gen.Choose(3, 6) from m in machine
                select new Op[] { new BeginOp(0, 1, BaseChoice.Current, m), new PutOp(0, 1, -1, PutFault.None, 0), new CommitOp(0) }
                    .Concat(Enumerable.Range(0, restores).Select(_ => (Op)new RestoreOp(0, m)))
                    .Append(new BeginOp(1, c, BaseChoice.Current, m)).ToArray());

        return from sessions in G.Guid.ArrayOf(3)
               from pieces in Gen.Choose(1, 4)
               from parts in Gen.Frequency((3, single.Select(o => new[] { o })), (2, patterns)).ArrayOf(pieces)
               select new SequenceCase([.. sessions], [.. parts.SelectMany(p => p).Take(20)]);
    }
}

/// <summary>One planned call: what it sends, what it must get, and how the model changes when it gets it.</summary>
public sealed record Step(string Kind, Func<IGrainFactory, Task<object?>> Send, Expect Expect, Action<Outcome> Apply, Func<Outcome, Task>? Then = null);

/// <summary>
/// What a profile must hold after each call of a sequence, written from the design (sessions,
/// idempotent begin/put/commit, conflicts newest-wins, supersede by machine, limits) rather than
/// from the grain's code, and compared exactly after every call.
/// </summary>
public sealed class SessionModel(HostileSequenceStore store, ProfileKey key, ImmutableArray<Guid> ids, string token)
{
    private readonly List<(SnapshotInfo Info, Content Content)> _history = [];
    private readonly Dictionary<Guid, Session> _sessions = [];
    private int _current;
    private int _last;

    private sealed record Session(Guid Id, Content Content, int Base, Content? Index, string Machine, HashSet<ContentHash> Staged);

    public ProfileStatus Status => new(key.Value, _history.FindLast(h => h.Info.Number == _current).Info, _history.Count, _sessions.Count);

    private (SnapshotInfo Info, Content Content)? Entry(int number) => number == 0 ? null : _history.FindLast(h => h.Info.Number == number) is { Info: not null } e ? e : null;

    private static IReadOnlySet<ContentHash> Known(Session s) => s.Index?.Distinct.ToHashSet() ?? [];

    private static ImmutableArray<ContentHash> Missing(Session s, IReadOnlySet<ContentHash>? staged = null)
        => [.. s.Content.Distinct.Where(h => !Known(s).Contains(h) && !(staged ?? s.Staged).Contains(h))];

    private static Expect Began(Guid id, ImmutableArray<ContentHash> missing, int total, int committed)
        => Expect.Succeeds<UploadSessionStatus>($"session {id:N}: {missing.Length} missing of {total}, committed {committed}", r =>
        {
            Assert.Equal(id, r.SessionId);
            Assert.Equal<ContentHash>(missing, r.Missing);
            Assert.Equal((total, committed), (r.TotalChunks, r.CommittedSnapshot));
        });

    private static Expect Invalid(string reason) => Expect.Fails<InvalidManifestException>(e => Assert.Equal((reason, (string?)null), (e.Reason, e.Path)));

    private static void Nothing(Outcome outcome)
    {
    }

    private static SnapshotInfo WithoutTime(SnapshotInfo info) => info with { CommittedAt = default };

    public Step Plan(Op op) => op switch
    {
        BeginOp b => PlanBegin(b),
        PutOp p => PlanPut(p),
        CommitOp c => PlanCommit(ids[c.Session]),
        AbortOp a => new Step("abort", async g =>
        {
            await g.GetProfileUpload(key).AbortUpload(ids[a.Session]);
            return null;
        }, Expect.Succeeds("aborted or nothing to abort"), _ => _sessions.Remove(ids[a.Session])),
        GetOp n => PlanGet(n.Number),
        RestoreOp r => PlanRestore(r.Number, Op.Machines[r.Machine]),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    private Step PlanBegin(BeginOp op)
    {
        var id = ids[op.Session];
        var content = store.Contents[op.Content];
        var machine = Op.Machines[op.Machine];
        var baseSnapshot = op.Base switch
        {
            BaseChoice.None => 0,
            BaseChoice.Current => _current,
            BaseChoice.Previous => Math.Max(0, _current - 1),
            BaseChoice.Last => _last,
            BaseChoice.Negative => -1,
            _ => _last + 5,
        };
        var request = new BeginUploadRequest(id, content.Manifest, content.Hash, baseSnapshot, machine);
        async Task<object?> Send(IGrainFactory g) => await g.GetProfileUpload(key).BeginUpload(request);

        if (_history.FindLast(h => h.Info.SessionId == id) is { Info: not null } committed)
        {
            return committed.Info.ManifestHash == content.Hash
                ? new Step("begin-committed-retry", Send, Began(id, [], 0, committed.Info.Number), Nothing)
                : new Step("begin-committed-other-manifest", Send, Invalid($"upload session {id:N} committed another manifest"), Nothing);
        }

        if (_sessions.TryGetValue(id, out var open))
        {
            return open.Content.Hash == content.Hash
                ? new Step("begin-resume", Send, Began(id, Missing(open), open.Content.Distinct.Length, 0), Nothing)
                : new Step("begin-open-other-manifest", Send, Invalid($"upload session {id:N} is open with another manifest"), Nothing);
        }

        if (baseSnapshot < 0 || baseSnapshot > _last)
        {
            return new Step("begin-bad-base", Send, Invalid($"base snapshot {baseSnapshot} was never committed to this profile"), Nothing);
        }

        var retained = _history.Sum(h => h.Info.Bytes) + content.Manifest.TotalBytes;
        if (retained > store.MaxProfileBytes)
        {
            return new Step("begin-over-quota", Send, Expect.Fails<RequestLimitException>(e =>
                Assert.Equal(($"the bytes of {key}'s snapshots in history with this one", retained, store.MaxProfileBytes), (e.Limit, e.Value, e.Maximum))), Nothing);
        }

        // A machine's new push replaces its unfinished one (machine names compare case-insensitively).
        var superseded = _sessions.Values.Where(s => string.Equals(s.Machine, machine, StringComparison.OrdinalIgnoreCase)).Select(s => s.Id).ToList();
        if (_sessions.Count - superseded.Count >= store.MaxOpenSessions)
        {
            var open2 = _sessions.Count - superseded.Count;
            return new Step("begin-too-many-sessions", Send, Expect.Fails<RequestLimitException>(e =>
                Assert.Equal(($"the open uploads of {key}", (long)open2 + 1, (long)store.MaxOpenSessions), (e.Limit, e.Value, e.Maximum))), _ => superseded.ForEach(s => _sessions.Remove(s)));
        }

        var session = new Session(id, content, baseSnapshot, Entry(_current)?.Content, machine, []);
        return new Step(superseded.Count > 0 ? "begin-superseding" : "begin-new", Send, Began(id, Missing(session), content.Distinct.Length, 0), _ =>
        {
            superseded.ForEach(s => _sessions.Remove(s));
            _sessions[id] = session;
        });
    }

    private Step PlanPut(PutOp op)
    {
        var id = ids[op.Session];
        var content = store.Contents[op.Content];
        var chosen = content.Distinct.Where((_, i) => (op.Mask & (1 << (i % 31))) != 0).ToList();
        var batch = chosen.Select(h => new ChunkPayload(h, content.Bytes[h])).ToList();
        var at = batch.Count == 0 ? 0 : op.At % batch.Count;
        switch (op.Fault)
        {
            case PutFault.FlipByte when batch.Count > 0:
                var flipped = (byte[])batch[at].Data.Clone();
                flipped[op.At % flipped.Length] ^= 0x5A;
                batch[at] = batch[at] with { Data = flipped };
                break;
            case PutFault.CutShort when batch.Count > 0:
                batch[at] = batch[at] with { Data = batch[at].Data[..^1] };
                break;
            case PutFault.NullBytes when batch.Count > 0:
                batch[at] = batch[at] with { Data = null! };
                break;
            case PutFault.NullChunk:
                batch.Insert(at, null!);
                break;
            case PutFault.NotInManifest:
                var foreign = TestData.RandomBytes(100 + op.At, seed: op.Mask);
                batch.Insert(at, new ChunkPayload(ContentHash.Compute(foreign), foreign));
                break;
        }

        ImmutableArray<ChunkPayload> payloads = [.. batch];
        async Task<object?> Send(IGrainFactory g) => await g.GetProfileUpload(key).PutChunks(id, payloads);
        if (!_sessions.TryGetValue(id, out var session))
        {
            return new Step("put-not-open", Send, Expect.Fails<UploadSessionNotFoundException>(e => Assert.Equal(id, e.SessionId)), Nothing);
        }

        foreach (var chunk in payloads)
        {
            var refusal = chunk?.Data is null ? "it has no bytes"
                : !session.Content.Needed.TryGetValue(chunk.Hash, out var length) ? "this upload's manifest does not reference it"
                : chunk.Data.Length != length ? $"it has {chunk.Data.Length} bytes where the manifest says {length}"
                : ContentHash.Compute(chunk.Data) != chunk.Hash ? "its bytes do not match its SHA-256"
                : null;
            if (refusal is not null)
            {
                var hash = chunk?.Hash ?? default;
                return new Step("put-rejected", Send, Expect.Fails<ChunkRejectedException>(e => Assert.Equal((hash, refusal), (e.Hash, e.Reason))), Nothing);
            }
        }

        var known = Known(session);
        var staged = session.Staged.Union(payloads.Select(c => c.Hash).Where(h => !known.Contains(h))).ToHashSet();
        var missing = Missing(session, staged).Length;
        return new Step(payloads.IsEmpty ? "put-empty" : "put-accepted", Send, Expect.Succeeds<int>($"{missing} missing", n => Assert.Equal(missing, n)), _ => session.Staged.UnionWith(staged));
    }

    private Step PlanCommit(Guid id)
    {
        async Task<object?> Send(IGrainFactory g) => await g.GetProfileUpload(key).CommitUpload(id);
        if (_history.FindLast(h => h.Info.SessionId == id) is { Info: not null } committed)
        {
            return new Step("commit-again", Send, Expect.Succeeds<CommitResult>("already committed", r => Assert.Equal(new CommitResult(committed.Info, AlreadyCommitted: true), r)), Nothing);
        }

        if (!_sessions.TryGetValue(id, out var session))
        {
            return new Step("commit-not-open", Send, Expect.Fails<UploadSessionNotFoundException>(e => Assert.Equal(id, e.SessionId)), Nothing);
        }

        if (Missing(session) is { Length: > 0 } missing)
        {
            return new Step("commit-incomplete", Send, Expect.Fails<UploadIncompleteException>(e => Assert.Equal((id, missing.Length), (e.SessionId, e.MissingChunks))), Nothing);
        }

        // Every file not identical to one of the snapshot current at begin is rebuilt from the stored chunks and checked.
        foreach (var file in session.Content.Manifest.Files)
        {
            if (session.Index?.Manifest.Files.Any(f => f.SameContentAs(file)) == true)
            {
                continue;
            }

            var rebuilt = file.Chunks.SelectMany(h => store.AllBytes[h]).ToArray();
            if (rebuilt.Length != file.Length || ContentHash.Compute(rebuilt) != file.Sha256)
            {
                return new Step("commit-file-hash-mismatch", Send, Expect.Fails<FileHashMismatchException>(e => Assert.Equal(file.Path, e.Path)), _ => _sessions.Remove(id));
            }
        }

        var number = _last + 1;
        var stale = _current != 0 && _current != session.Base;
        var expected = new SnapshotInfo(number, default, session.Machine, session.Content.Manifest.TotalBytes, session.Content.Manifest.Files.Length, session.Content.Hash,
            session.Base, Replaced: stale ? _current : 0, RestoredFrom: 0, id);
        return new Step(stale ? "commit-conflict" : "commit", Send, Expect.Succeeds<CommitResult>($"snapshot {number}", r =>
        {
            Assert.False(r.AlreadyCommitted);
            Assert.Equal(expected, WithoutTime(r.Snapshot));
        }), outcome =>
        {
            _history.Add((((CommitResult)outcome.Result!).Snapshot, session.Content));
            _last = _current = number;
            _sessions.Remove(id);
        });
    }

    private Step PlanGet(int number)
    {
        async Task<object?> Send(IGrainFactory g) => await g.GetProfile(key).GetSnapshot(number);
        if (Entry(number == 0 ? _current : number) is not { } entry)
        {
            return new Step("get-missing", Send, Expect.Fails<SnapshotNotFoundException>(e => Assert.Equal((key.Value, number), (e.Profile, e.Snapshot))), Nothing);
        }

        return new Step("get", Send, Expect.Succeeds<Snapshot>($"snapshot {entry.Info.Number}", s =>
        {
            Assert.Equal(entry.Info, s.Info);
            ManifestAssert.FilesEqual(entry.Content.Manifest.Files, s.Manifest.Files);
        }), Nothing, async outcome =>
        {
            // The snapshot reads back byte for byte.
            var manifest = ((Snapshot)outcome.Result!).Manifest;
            var files = await store.CallAs(token, g => ProfileUploads.ReadFilesAsync(g, key, manifest));
            foreach (var file in entry.Content.Manifest.Files)
            {
                Assert.True(file.Chunks.SelectMany(h => store.AllBytes[h]).SequenceEqual(files[file.Path]), $"{file.Path} of snapshot {entry.Info.Number} does not read back as pushed");
            }
        });
    }

    private Step PlanRestore(int number, string machine)
    {
        async Task<object?> Send(IGrainFactory g) => await g.GetProfile(key).Restore(number, machine);
        if (Entry(number == 0 ? _current : number) is not { } source)
        {
            return new Step("restore-missing", Send, Expect.Fails<SnapshotNotFoundException>(e => Assert.Equal((key.Value, number), (e.Profile, e.Snapshot))), Nothing);
        }

        var restored = _last + 1;
        var expected = new SnapshotInfo(restored, default, machine, source.Info.Bytes, source.Info.Files, source.Info.ManifestHash, _current, Replaced: 0, RestoredFrom: source.Info.Number, Guid.Empty, 0, source.Info.Warning);
        return new Step("restore", Send, Expect.Succeeds<CommitResult>($"snapshot {restored} restored from {source.Info.Number}", r =>
        {
            Assert.False(r.AlreadyCommitted);
            Assert.Equal(expected, WithoutTime(r.Snapshot));
        }), outcome =>
        {
            _history.Add((((CommitResult)outcome.Result!).Snapshot, source.Content));
            _last = _current = restored;
        });
    }
}
