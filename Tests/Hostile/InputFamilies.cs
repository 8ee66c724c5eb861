using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Orleans.Profiles.Tests.Support;
using TestData = Orleans.Profiles.Tests.Support.TestData;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>
/// Generators of single hostile requests against the victim of a <see cref="HostileStore"/>, each
/// with the exact outcome it must get. A request that is refused must change nothing, which
/// <see cref="HostileStore.RunAsync"/> checks after each one.
/// </summary>
public static class InputFamilies
{
    private static IProfileUploadGrain Upload(IGrainFactory g) => g.GetProfileUpload(HostileStore.Victim);

    private static IProfileGrain Profile(IGrainFactory g) => g.GetProfile(HostileStore.Victim);

    private static IChunkReaderGrain Reader(IGrainFactory g) => g.GetChunkReader(HostileStore.Victim);

    // ---------------------------------------------------------------- profile keys

    /// <summary>A grain key that is not a normalised profile key, and whose own key (if any) it is a case variant of.</summary>
    public sealed record BadKey(string Category, string Key, ProfileKey? VariantOf)
    {
        public override string ToString() => $"{Category} {Show.Text(Key)}";
    }

    private static Gen<string> Domain => G.LowerWord(1, 15).Select(w => "d" + w);

    private static Gen<string> User => G.LowerWord(1, 20).Select(w => "u" + w);

    private static Gen<string> AnyValidKey => Gen.OneOf(
        from d in Domain from u in User select $@"{d}\{u}",
        from u in User from d in Domain select $"{u}@{d}.com",
        User);

    private static Gen<string> InsertAnywhere(Gen<string> key, Gen<char> bad)
        => from k in key from c in bad from at in Gen.Choose(0, 1000) let i = at % (k.Length + 1) select k[..i] + c + k[i..];

    private static Gen<string> UpperSome(string key)
        => from flips in G.Bool.ArrayOf(key.Length)
           let letters = key.Select((c, i) => (c, i)).Where(x => char.IsAsciiLetterLower(x.c)).Select(x => x.i).ToArray()
           from forced in Gen.Elements(letters)
           select new string([.. key.Select((c, i) => i == forced || (flips[i] && char.IsAsciiLetterLower(c)) ? char.ToUpperInvariant(c) : c)]);

    /// <summary>The same text with the case of at least one ASCII letter swapped (the text must have one).</summary>
    private static Gen<string> SwapSomeCase(string text)
        => from flips in G.Bool.ArrayOf(text.Length)
           let letters = text.Select((c, i) => (c, i)).Where(x => char.IsAsciiLetter(x.c)).Select(x => x.i).ToArray()
           from forced in Gen.Elements(letters)
           select new string([.. text.Select((c, i) => (i == forced || flips[i]) && char.IsAsciiLetter(c) ? (char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) : c)]);

    /// <summary>Bad keys short enough for any store to name (see <see cref="OverlongKeys"/> for the others).</summary>
    public static Gen<BadKey> BadKeys => Gen.OneOf(
        from k in InsertAnywhere(AnyValidKey, Gen.Elements([.. Enumerable.Range(0, 0x20).Select(c => (char)c), '\u007F', '\u0085', '\u009F'])) select new BadKey("control", k, null),
        from k in InsertAnywhere(AnyValidKey, Gen.Elements('\u200B', '\u200C', '\u200D', '\u200E', '\u202E', '\u2060', '\uFEFF', '\u00AD', '\u2028', '\u2029')) select new BadKey("format", k, null),
        from k in InsertAnywhere(AnyValidKey, Gen.Elements("\"/[]:;|=,+*?<>".ToCharArray())) select new BadKey("forbidden", k, null),
        from a in User from b in Domain from c in User from shape in G.OneOf(@"{0}\{1}\{2}", "{0}@{1}@{2}", @"{0}\{1}@{2}", @"{0}@{1}\{2}", @"\\{0}\{1}", "{0}@@{1}")
            select new BadKey("separators", string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, a, b, c), null),
        from d in Domain from u in User from shape in G.OneOf(@"\{1}", @"{0}\", "@{0}", "{1}@", "@", @"\")
            select new BadKey("empty-part", string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, d, u), null),
        from d in Domain from u in User from shape in G.OneOf(@" {0}\{1}", @"{0} \{1}", @"{0}\ {1}", @"{0}\{1} ", @"{0}.\{1}", @"{0}\{1}.", " {1}", "{1} ", "{1}.", "{1} @{0}", " {1}@{0}")
            select new BadKey("edge-space-or-dot", string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, d, u), null),
        from k in UpperSome(HostileStore.Victim.Value) select new BadKey("victim-not-normalised", k, HostileStore.Victim),
        from k in UpperSome(HostileStore.Attacker.Value) select new BadKey("attacker-not-normalised", k, HostileStore.Attacker),
        from k in AnyValidKey from u in UpperSome(k) select new BadKey("not-normalised", u, null),
        from k in InsertAnywhere(AnyValidKey, Gen.Elements('Ä', 'Σ', 'Ж', 'Ⅻ', 'Ǆ', 'Ω')) select new BadKey("unicode-upper-case", k, null));

    /// <summary>Keys over the length limit, or near it with a bad character: the store must refuse them like any other bad key.</summary>
    public static Gen<BadKey> OverlongKeys => Gen.OneOf(
        from n in Gen.Choose(ProfileKey.MaxLength + 1, 5000) from c in Gen.Elements('a', 'é', 'ж', '0') select new BadKey("overlong", new string(c, n), null),
        from d in Domain from n in Gen.Choose(ProfileKey.MaxLength, 2000) select new BadKey("overlong-domain-user", $@"{d}\{new string('u', n)}", null),
        from n in Gen.Choose(200, ProfileKey.MaxLength - 1) from bad in Gen.Elements('/', '\0', ':', '\u200B') select new BadKey("long-with-bad-char", new string('a', n) + bad, null));

    public static Gen<HostileRequest> Keys(HostileStore s, Gen<BadKey> keys)
    {
        var calls = ProfileCall.All(s);
        var callers = new (string Name, string? Token, ProfileKey? Own, bool Admin)[]
        {
            ("the administrator", s.AdminToken, null, true),
            ("the victim", s.VictimToken, HostileStore.Victim, false),
            ("another user", s.AttackerToken, HostileStore.Attacker, false),
            ("no token", null, null, false),
        };
        return from key in keys
               from caller in Gen.Elements(callers)
               from call in Gen.Elements([.. calls])
               select new HostileRequest(
                   $"key:{key.Category}",
                   $"{call.Method} on grain key {key} as {caller.Name}",
                   caller.Token,
                   g => call.Send(g, key.Key),
                   ExpectForKey(key, call, caller.Own, caller.Admin, caller.Token is null));
    }

    private static Expect ExpectForKey(BadKey key, ProfileCall call, ProfileKey? own, bool admin, bool anonymous)
    {
        if (anonymous)
        {
            return Expect.Fails<NotAuthorizedException>(e => Assert.Equal("the call carries no token", e.Reason));
        }

        if (admin)
        {
            return call.Access.HasFlag(ProfileAccess.Admin)
                ? Expect.Fails<InvalidProfileKeyException>(e => Assert.Equal(key.Key, e.Account))
                : Expect.Fails<NotAuthorizedException>(e => Assert.Equal($"an administrator may not call {call.Method}", e.Reason));
        }

        // The owner of a key reaches a case variant of it, which the grain then refuses as not normalised.
        return own is { } mine && key.VariantOf == mine && call.Access.HasFlag(ProfileAccess.Owner)
            ? Expect.Fails<InvalidProfileKeyException>(e =>
            {
                Assert.Equal(key.Key, e.Account);
                Assert.Equal($"not normalised (use \"{mine.Value}\")", e.Reason);
            })
            : Expect.Fails<NotAuthorizedException>(e => Assert.Equal($"the token's user may not call {call.Method} on this profile", e.Reason));
    }

    // ---------------------------------------------------------------- manifest paths

    public static Gen<HostileRequest> Paths(HostileStore s)
    {
        var badPath = from bad in BadPath.Any
                      from good in G.ValidFiles(0, 4)
                      from file in G.ValidFile(bad.Path)
                      select (bad, files: G.Upload([.. good, file]), expectedPath: bad.Path);

        // Two paths equal but for case: the second in canonical order is the one refused.
        var duplicate = from good in G.ValidFiles(1, 4)
                        from which in Gen.Choose(0, 1000)
                        let original = good[which % good.Length]
                        where original.Path.Any(char.IsAsciiLetter)
                        from twin in SwapSomeCase(original.Path)
                        from file in G.ValidFile(twin)
                        let files = G.Upload([.. good, file])
                        let second = files.Files.Select(f => f.Path).Where(p => string.Equals(p, twin, StringComparison.OrdinalIgnoreCase)).Last()
                        select (bad: new BadPath("case-duplicate", twin, "the path appears twice (paths are case-insensitive)"), files, expectedPath: second);

        return from x in Gen.Frequency((15, badPath), (1, duplicate))
               from session in G.Guid
               from machine in G.Machine
               from baseSnapshot in Gen.Choose(0, 1)
               let request = new BeginUploadRequest(session, x.files, x.files.ComputeHash(), baseSnapshot, machine)
               select new HostileRequest(
                   $"path:{x.bad.Category}",
                   $"BeginUpload as the victim, {x.files.Files.Length} files, one with path {Show.Text(x.bad.Path)}",
                   s.VictimToken,
                   async g => await Upload(g).BeginUpload(request),
                   Expect.Fails<InvalidManifestException>(e =>
                   {
                       Assert.Equal(x.expectedPath, e.Path);
                       Assert.Contains(x.bad.Reason, e.Reason, StringComparison.Ordinal);
                   }));
    }

    // ---------------------------------------------------------------- manifests that lie

    private sealed record Lie(string Kind, string What, BeginUploadRequest? Request, Expect Expect);

    /// <summary>A begin request; by default with the session id an agent would derive (a fresh one, since every manifest here is new).</summary>
    private static BeginUploadRequest Begin(ProfileManifest manifest, ContentHash? claimed = null, int baseSnapshot = 1, string machine = "WS-HOSTILE", Guid? session = null)
    {
        var hash = claimed ?? manifest.ComputeHash();
        return new(session ?? BeginUploadRequest.DeriveSessionId(hash, baseSnapshot, machine ?? ""), manifest, hash, baseSnapshot, machine!);
    }

    private static Expect Invalid(string reason, string? path = null)
        => Expect.Fails<InvalidManifestException>(e =>
        {
            Assert.Equal(reason, e.Reason);
            Assert.Equal(path, e.Path);
        });

    private static Expect Limit(string limit, long value, long maximum)
        => Expect.Fails<RequestLimitException>(e =>
        {
            Assert.Equal(limit, e.Limit);
            Assert.Equal(value, e.Value);
            Assert.Equal(maximum, e.Maximum);
        });

    /// <summary>Replaces file <paramref name="index"/> (taken modulo the count) and keeps the hash honest, so the lie is the only fault.</summary>
    private static Gen<(ImmutableArray<ManifestFile> Files, ManifestFile Liar)> LieAbout(Func<ManifestFile, Gen<ManifestFile>> lie)
        => from files in G.ValidFiles(1, 5)
           from index in Gen.Choose(0, 1000)
           let target = files[index % files.Length]
           from liar in lie(target)
           select (files.SetItem(index % files.Length, liar), liar);

    public static Gen<HostileRequest> Manifests(HostileStore s)
    {
        var victimBytes = s.VictimSnapshot.Bytes;
        var lies = Gen.OneOf(
            // Lengths and chunk counts that disagree.
            from x in LieAbout(f => from delta in Gen.Choose(1, 5) from longer in G.Bool
                                    let chunks = longer ? f.Chunks.Length + delta : Math.Max(0, f.Chunks.Length - delta)
                                    where chunks != f.Chunks.Length
                                    select f with { Chunks = [.. Enumerable.Range(0, chunks).Select(i => ContentHash.Compute(BitConverter.GetBytes(i)))] })
            select Lying("chunk-count", x, $"{x.Liar.Chunks.Length} chunks listed for a length that needs {(x.Liar.Length + x.Liar.ChunkSize - 1) / x.Liar.ChunkSize}"),
            from x in LieAbout(f => from length in G.Long(0, HostileStore.MaxFileBytes)
                                    let needs = (length + f.ChunkSize - 1) / f.ChunkSize
                                    select f with
                                    {
                                        Length = length,
                                        Sha256 = length == 0 ? ContentHash.Compute([]) : f.Sha256,
                                        Chunks = needs == f.Chunks.Length ? f.Chunks.Add(ContentHash.Compute(BitConverter.GetBytes(length))) : f.Chunks,
                                    })
            select Lying("length", x, $"{x.Liar.Chunks.Length} chunks listed for a length that needs {(x.Liar.Length + x.Liar.ChunkSize - 1) / x.Liar.ChunkSize}"),
            from x in LieAbout(f => G.Long(long.MinValue, -1).Select(l => f with { Length = l }))
            select Lying("negative-length", x, "negative length"),
            from x in LieAbout(f => G.Long(HostileStore.MaxFileBytes + 1, long.MaxValue).Select(l => f with { Length = l }))
            select new Lie("file-too-big", $"{Show.Text(x.Liar.Path)} claims {x.Liar.Length} bytes", Begin(G.Upload(x.Files)), Limit($"the size of \"{x.Liar.Path}\"", x.Liar.Length, HostileStore.MaxFileBytes)),
            from x in LieAbout(f => Gen.OneOf(Gen.Elements(0, -1, -4096, int.MinValue, 1, 2, 1024, 2048, 4095, 4097, 3 * 4096, 65535, 65537, 8 << 20, 1 << 30, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
                                    .Where(c => c < 4096 || c > 4 << 20 || (c & (c - 1)) != 0)
                                    .Select(c => f with { ChunkSize = c }))
            select Lying("chunk-size", x, $"chunk size {x.Liar.ChunkSize} is not a power of two from 4 KiB to 4 MiB"),
            from x in LieAbout(f => G.Hash.Select(h => f with { Length = 0, Chunks = [], Sha256 = h }))
            select Lying("empty-file-hash", x, "an empty file with the hash of non-empty content"),
            from files in G.ValidFiles(1, 5) from claimed in G.Hash
            let manifest = G.Upload(files)
            select new Lie("manifest-hash", $"claims hash {claimed}", Begin(manifest, claimed), Invalid($"its hash is {manifest.ComputeHash()}, not the {claimed} the request claims")),
            from files in G.ValidFiles(2, 5).Where(f => f.Length >= 2) from at in Gen.Choose(0, 1000)
            let i = at % (files.Length - 1)
            let swapped = files.SetItem(i, files[i + 1]).SetItem(i + 1, files[i])
            select new Lie("unsorted", $"files {i} and {i + 1} swapped", Begin(new ProfileManifest(swapped, [])), Invalid("files are not in canonical order", files[i].Path)),
            from n in Gen.Frequency((4, Gen.Choose(HostileStore.MaxFiles + 1, 64)), (1, Gen.Choose(65, 3000)))
            let files = G.Upload(Enumerable.Range(0, n).Select(i => G.File($"f{i:D5}.bin", 0, 4096, i)))
            select new Lie("too-many-files", $"{n} files", Begin(files), Limit("the number of files", n, HostileStore.MaxFiles)),
            from n in Gen.Choose(3, HostileStore.MaxFiles) from lengths in G.Long(700_000, HostileStore.MaxFileBytes).ArrayOf(n) from baseSnapshot in Gen.Choose(0, 1)
            let files = G.Upload(lengths.Select((l, i) => G.File($"big{i}.bin", l, 65536, i)))
            select new Lie("quota", $"{n} files, {files.TotalBytes} bytes", Begin(files, baseSnapshot: baseSnapshot), Limit($"the bytes of {HostileStore.Victim}'s snapshots in history with this one", victimBytes + files.TotalBytes, s.MaxProfileBytes)),
            from files in G.ValidFiles(1, 5) from baseSnapshot in Gen.OneOf(Gen.Elements(-1, int.MinValue, 2, 3, int.MaxValue), Gen.Choose(int.MinValue, -1), Gen.Choose(2, int.MaxValue))
            select new Lie("base-snapshot", $"base {baseSnapshot}", Begin(G.Upload(files), baseSnapshot: baseSnapshot), Invalid($"base snapshot {baseSnapshot} was never committed to this profile")),
            from files in G.ValidFiles(1, 5) from machine in Gen.OneOf(Gen.Elements<string?>(null, "", " ", "\t", "\r\n", new string('M', BeginUploadRequest.MaxMachineLength + 1)),
                                                                       G.Machine.Select(m => (string?)(m + "\0")), G.Word(BeginUploadRequest.MaxMachineLength + 1, 2000).Select(m => (string?)m))
            select new Lie("machine", $"machine {Show.Text(machine)}", Begin(G.Upload(files), machine: machine!), Invalid($"the machine name must be 1 to {BeginUploadRequest.MaxMachineLength} printable characters")),
            from files in G.ValidFiles(1, 5) from locations in Gen.Choose(1, 3)
            select new Lie("locations-given", $"{locations} chunk locations", Begin(new ProfileManifest(files, [.. Enumerable.Range(0, locations).Select(i => new ChunkLocation(ContentHash.Compute(BitConverter.GetBytes(i)), new Guid(i, 0, 0, new byte[8]), 40, 10))]), G.Upload(files).ComputeHash()),
                           Invalid("an upload manifest lists files and no chunk locations")),
            from claimed in G.Hash
            select new Lie("no-manifest", "a null manifest", Begin(null!, claimed), Invalid("an upload manifest lists files and no chunk locations")),
            from files in G.ValidFiles(0, 4) from at in Gen.Choose(0, 1000) from claimed in G.Hash
            let i = at % (files.Length + 1)
            select new Lie("null-file", $"a null file entry at {i}", Begin(new ProfileManifest(files.Insert(i, null!), []), claimed), Invalid("a file entry is empty")),
            from files in G.ValidFiles(1, 5) from at in Gen.Choose(0, 1000) from claimed in G.Hash
            let i = at % files.Length
            select new Lie("no-chunk-list", $"file {i} without a chunk list", Begin(new ProfileManifest(files.SetItem(i, files[i] with { Chunks = default }), []), claimed), Invalid("a file entry is empty")),
            Gen.Constant(new Lie("no-request", "a null request", null, Invalid("the request is empty"))),
            // Another manifest under the id of the victim's open session, or of its committed snapshot.
            from files in G.ValidFiles(1, 5)
            select new Lie("open-session-other-manifest", $"session {s.VictimSession:N} (open) with another manifest", Begin(G.Upload(files), session: s.VictimSession, machine: HostileStore.VictimMachine),
                           Invalid($"upload session {s.VictimSession:N} is open with another manifest")),
            from files in G.ValidFiles(1, 5)
            select new Lie("committed-session-other-manifest", $"session {s.VictimSnapshot.SessionId:N} (committed) with another manifest", Begin(G.Upload(files), baseSnapshot: 0, session: s.VictimSnapshot.SessionId, machine: UploadContent.DefaultMachine),
                           Invalid($"upload session {s.VictimSnapshot.SessionId:N} committed another manifest")),
            from claimed in G.Hash
            select new Lie("committed-session-no-manifest", $"session {s.VictimSnapshot.SessionId:N} (committed) with a null manifest", Begin(null!, claimed, baseSnapshot: 0, session: s.VictimSnapshot.SessionId, machine: UploadContent.DefaultMachine),
                           Invalid($"upload session {s.VictimSnapshot.SessionId:N} committed another manifest")),
            // Two valid requests, which change nothing: resuming the open session, and retrying the committed one.
            Gen.Constant(new Lie("resume-open-session", "the open session's own begin again", s.VictimOpen, Expect.Succeeds<UploadSessionStatus>("resumed", r =>
            {
                Assert.Equal(s.VictimSession, r.SessionId);
                Assert.Equal<ContentHash>(s.VictimMissing, r.Missing);
                Assert.Equal(s.VictimNeeded.Count, r.TotalChunks);
                Assert.Equal(0, r.CommittedSnapshot);
            }))),
            Gen.Constant(new Lie("retry-committed-session", "snapshot 1's begin again", s.VictimV1.Request(), Expect.Succeeds<UploadSessionStatus>("already committed", r =>
            {
                Assert.Equal(s.VictimSnapshot.SessionId, r.SessionId);
                Assert.Empty(r.Missing);
                Assert.Equal((0, 1), (r.TotalChunks, r.CommittedSnapshot));
            }))));

        return from lie in lies
               select new HostileRequest(
                   $"manifest:{lie.Kind}",
                   $"BeginUpload as the victim: {lie.What}",
                   s.VictimToken,
                   async g => await Upload(g).BeginUpload(lie.Request!),
                   lie.Expect);
    }

    private static Lie Lying(string kind, (ImmutableArray<ManifestFile> Files, ManifestFile Liar) x, string reason)
        => new(kind, $"{Show.Text(x.Liar.Path)}: length {x.Liar.Length}, chunk size {x.Liar.ChunkSize}, {x.Liar.Chunks.Length} chunks", Begin(new ProfileManifest(x.Files, [])), Invalid(reason, x.Liar.Path));

    // ---------------------------------------------------------------- chunk batches

    private sealed record Item(string What, ChunkPayload? Payload, Func<Expect>? Fault, string Kind = "good");

    public static Gen<HostileRequest> Chunks(HostileStore s)
    {
        var needed = s.VictimNeeded.Keys.ToArray();
        var present = s.VictimPresent.ToArray();
        var bytes = (ContentHash h) => s.VictimV2.Chunks[h];
        var good = from h in Gen.Elements(needed) select new Item($"good {Short(h)}", new ChunkPayload(h, bytes(h)), null);
        var harmless = from h in Gen.Elements(present) select new Item($"present {Short(h)}", new ChunkPayload(h, bytes(h)), null);
        var rejected = (ContentHash h, string reason) => (Func<Expect>)(() => Expect.Fails<ChunkRejectedException>(e =>
        {
            Assert.Equal(h, e.Hash);
            Assert.Equal(reason, e.Reason);
        }));
        var faults = Gen.OneOf(
            from h in Gen.Elements(needed) from at in Gen.Choose(0, int.MaxValue) from flip in Gen.Choose(1, 255)
            let data = Flip(bytes(h), at % bytes(h).Length, (byte)flip)
            select new Item($"bytes of {Short(h)} with a byte changed", new ChunkPayload(h, data), rejected(h, "its bytes do not match its SHA-256"), "bytes-not-matching-hash"),
            from seed in G.Seed from length in Gen.Choose(1, 70_000)
            let data = TestData.RandomBytes(length, seed)
            select new Item("a chunk the manifest does not reference", new ChunkPayload(ContentHash.Compute(data), data), rejected(ContentHash.Compute(data), "this upload's manifest does not reference it"), "not-in-manifest"),
            from h in G.Hash from i in Gen.Elements(needed)
            select new Item("another chunk's bytes under a made-up hash", new ChunkPayload(h, bytes(i)), rejected(h, "this upload's manifest does not reference it"), "made-up-hash"),
            from h in Gen.Elements(needed) from cut in Gen.Choose(1, 4096)
            let data = bytes(h)[..Math.Max(0, bytes(h).Length - cut)]
            select new Item($"{Short(h)} cut short", new ChunkPayload(h, data), rejected(h, $"it has {data.Length} bytes where the manifest says {s.VictimNeeded[h]}"), "too-short"),
            from h in Gen.Elements(needed) from extra in Gen.Choose(1, 4096)
            let data = bytes(h).Concat(new byte[extra]).ToArray()
            select new Item($"{Short(h)} with bytes added", new ChunkPayload(h, data), rejected(h, $"it has {data.Length} bytes where the manifest says {s.VictimNeeded[h]}"), "too-long"),
            from h in Gen.Elements(needed)
            select new Item($"{Short(h)} with no bytes", new ChunkPayload(h, []), rejected(h, $"it has 0 bytes where the manifest says {s.VictimNeeded[h]}"), "empty-data"),
            from h in Gen.Elements(needed)
            select new Item($"{Short(h)} with null bytes", new ChunkPayload(h, null!), rejected(h, "it has no bytes"), "null-data"),
            Gen.Constant(new Item("a null chunk", null, rejected(default, "it has no bytes"), "null-chunk")));

        // A batch with at least one fault, anywhere, among good and repeated chunks: refused whole.
        var faulty = from before in Gen.Frequency((1, good), (1, harmless)).ListOf().Select(l => l.Take(6).ToList())
                     from fault in faults
                     from after in Gen.Frequency((1, good), (1, harmless), (1, faults)).ListOf().Select(l => l.Take(6).ToList())
                     from repeat in Gen.Choose(0, 3)
                     let items = before.Concat(Enumerable.Repeat(fault, 1 + repeat)).Concat(after).ToList()
                     select (kind: repeat > 0 ? $"{fault.Kind}-repeated" : fault.Kind, items);

        // Over the batch limit: one needed chunk repeated past 4 MiB (the same array, so cheap to send), maybe with a fault too.
        var notes = s.VictimMissing.First(h => s.VictimNeeded[h] == 65536);
        var oversized = from copies in Gen.Choose((HostileStore.MaxBatchBytes / 65536) + 1, (HostileStore.MaxBatchBytes / 65536) + 40)
                        from extra in faults.ListOf().Select(l => l.Take(2).ToList())
                        let shared = bytes(notes)
                        let items = Enumerable.Repeat(new Item($"{Short(notes)}", new ChunkPayload(notes, shared), null), copies).Concat(extra).ToList()
                        select (kind: "oversized", items);

        // Only chunks the store already has: accepted, and nothing changes.
        var resend = from items in harmless.NonEmptyListOf().Select(l => l.Take(8).ToList()) select (kind: "resend-present", items);

        var batches = from x in Gen.Frequency((20, faulty), (2, oversized), (2, resend), (1, Gen.Constant((kind: "empty", items: new List<Item>()))))
                      from target in Gen.Frequency((12, Gen.Constant((name: "the open session", id: s.VictimSession))),
                                                   (1, G.Guid.Select(g => (name: "a session never begun", id: g))),
                                                   (1, Gen.Constant((name: "the committed session of snapshot 1", id: s.VictimSnapshot.SessionId))),
                                                   (1, Gen.Constant((name: "the empty session id", id: Guid.Empty))))
                      let batch = x.items.Select(i => i.Payload!).ToImmutableArray()
                      let sizes = x.items.Sum(i => (long)(i.Payload?.Data?.Length ?? 0))
                      select new HostileRequest(
                          target.id == s.VictimSession ? $"chunks:{x.kind}" : "chunks:put-to-a-session-not-open",
                          $"PutChunks to {target.name} ({target.id:N}) as the victim: [{string.Join(", ", x.items.Select(i => i.What))}] ({sizes} bytes)",
                          s.VictimToken,
                          async g => await Upload(g).PutChunks(target.id, batch),
                          target.id != s.VictimSession ? Expect.Fails<UploadSessionNotFoundException>(e => Assert.Equal(target.id, e.SessionId))
                          : x.kind == "empty" || x.kind == "resend-present" ? Expect.Succeeds<int>("nothing new staged", n => Assert.Equal(s.VictimMissing.Length, n))
                          : sizes > HostileStore.MaxBatchBytes ? Limit("the batch size in bytes", sizes, HostileStore.MaxBatchBytes)
                          : x.items.First(i => i.Fault is not null).Fault!());

        // Commits and aborts out of order: before every chunk arrived, of sessions never begun, of a committed one (a retry).
        var others = Gen.OneOf(
            Gen.Constant(new HostileRequest("order:commit-incomplete", $"CommitUpload of the open session {s.VictimSession:N}", s.VictimToken,
                async g => await Upload(g).CommitUpload(s.VictimSession),
                Expect.Fails<UploadIncompleteException>(e => Assert.Equal((s.VictimSession, s.VictimMissing.Length), (e.SessionId, e.MissingChunks))))),
            from id in Gen.OneOf(G.Guid, Gen.Constant(Guid.Empty))
            select new HostileRequest("order:commit-never-begun", $"CommitUpload of session {id:N}", s.VictimToken,
                async g => await Upload(g).CommitUpload(id),
                Expect.Fails<UploadSessionNotFoundException>(e => Assert.Equal(id, e.SessionId))),
            Gen.Constant(new HostileRequest("order:commit-again", $"CommitUpload of snapshot 1's session {s.VictimSnapshot.SessionId:N} again", s.VictimToken,
                async g => await Upload(g).CommitUpload(s.VictimSnapshot.SessionId),
                Expect.Succeeds<CommitResult>("already committed", r => Assert.Equal(new CommitResult(s.VictimSnapshot, AlreadyCommitted: true), r)))),
            from id in Gen.OneOf(G.Guid, Gen.Constant(Guid.Empty), Gen.Constant(s.VictimSnapshot.SessionId))
            select new HostileRequest("order:abort-not-open", $"AbortUpload of session {id:N}", s.VictimToken,
                async g =>
                {
                    await Upload(g).AbortUpload(id);
                    return null;
                },
                Expect.Succeeds("nothing to abort")));

        return Gen.Frequency((8, batches), (1, others));
    }

    private static string Short(ContentHash hash) => hash.ToString()[..8];

    private static byte[] Flip(byte[] data, int at, byte by)
    {
        var copy = (byte[])data.Clone();
        copy[at] ^= by;
        return copy;
    }

    // ---------------------------------------------------------------- chunk reads

    public static Gen<HostileRequest> Reads(HostileStore s)
    {
        var locations = s.VictimManifest.Locations;
        var pack = s.VictimManifest.Locations[0].Pack;
        var packLength = (long)s.VictimPack.Length;
        const int header = 40;
        var outside = (ChunkLocation l) => (Func<Expect>)(() => Expect.Fails<ChunkRejectedException>(e =>
        {
            Assert.Equal(l.Hash, e.Hash);
            Assert.Equal("its location is outside its pack", e.Reason);
        }));
        var noPack = (ChunkLocation l) => (Func<Expect>)(() => Expect.Fails<ChunkRejectedException>(e =>
        {
            Assert.Equal(l.Hash, e.Hash);
            Assert.Equal("no committed pack of this profile holds it", e.Reason);
        }));
        var notRecord = (ChunkLocation l) => (Func<Expect>)(() => Expect.Fails<ChunkRejectedException>(e =>
        {
            Assert.Equal(l.Hash, e.Hash);
            Assert.Equal("its location is not a record of it in its pack", e.Reason);
        }));
        var valid = Gen.Elements([.. locations]);
        var known = locations.ToHashSet();

        // Each lie: the location, what it is, and the refusal it must get (null: a location of the pack, whose chunk is served).
        // A range inside the pack that is not a chunk's record (its header names the chunk, its length is the chunk's) is refused.
        var lies = Gen.OneOf(
            from l in valid from other in G.Guid select (what: "read:other-pack", loc: l with { Pack = other }, fault: noPack),
            from l in valid select (what: "read:uncommitted-session-pack", loc: l with { Pack = s.VictimSession }, fault: noPack),
            from l in valid from other in Gen.Elements([.. s.ControlManifest.Locations]) select (what: "read:another-profiles-location", loc: other, fault: noPack),
            from l in valid select (what: "read:empty-pack-id", loc: l with { Pack = Guid.Empty }, fault: noPack),
            from l in valid from offset in G.Long(long.MinValue, -1) select (what: "read:negative-offset", loc: l with { Offset = offset }, fault: outside),
            from l in valid from offset in G.Long(0, header - 1) from length in Gen.Choose(0, 4096) select (what: "read:offset-in-header", loc: l with { Offset = offset, Length = length }, fault: outside),
            from l in valid from length in Gen.Choose(1, 65536) from offset in Gen.OneOf(G.Long(packLength - length + 1, packLength + 100_000), G.Long(packLength, long.MaxValue), Gen.Constant(long.MaxValue), Gen.Constant(long.MaxValue - length + 1))
                select (what: "read:past-the-end", loc: l with { Offset = offset, Length = length }, fault: outside),
            from l in valid from length in Gen.OneOf(Gen.Choose(int.MinValue, -1), Gen.Constant(-1), Gen.Constant(int.MinValue)) select (what: "read:negative-length", loc: l with { Length = length }, fault: outside),
            from l in valid from length in Gen.Choose((int)packLength + 1, HostileStore.MaxReadBytes - 70_000) select (what: "read:longer-than-the-pack", loc: l with { Offset = header, Length = length }, fault: outside),
            from l in valid from length in Gen.OneOf(Gen.Choose(HostileStore.MaxReadBytes + 1, int.MaxValue), Gen.Constant(int.MaxValue)) select (what: "read:too-many-bytes", loc: l with { Length = length }, fault: (Func<ChunkLocation, Func<Expect>>?)null),
            from l in valid from offset in G.Long(header, packLength - 1) from length in Gen.Choose(0, 70_000)
                let fits = (int)Math.Min(length, packLength - offset)
                let lie = l with { Offset = offset, Length = fits }
                select (what: "read:misaligned-inside-the-pack", loc: lie, fault: known.Contains(lie) ? null : notRecord),
            from l in valid from h in G.Hash select (what: "read:wrong-hash", loc: l with { Hash = h }, fault: (Func<ChunkLocation, Func<Expect>>?)notRecord),
            from l in valid select (what: "read:null-location", loc: NoLocation, fault: (Func<ChunkLocation, Func<Expect>>?)null),
            from l in valid select (what: "read:valid", loc: l, fault: (Func<ChunkLocation, Func<Expect>>?)null));

        var own = from before in valid.ListOf().Select(l => l.Take(4).ToList())
                  from lie in lies
                  from after in valid.ListOf().Select(l => l.Take(4).ToList())
                  let asked = before.Append(lie.loc).Concat(after).ToImmutableArray()
                  let total = asked.Sum(c => (long)(c?.Length ?? 0))
                  select new HostileRequest(
                      lie.what,
                      $"ReadChunks of the victim as the victim: [{string.Join(", ", asked.Select(Describe))}]",
                      s.VictimToken,
                      async g => await Reader(g).ReadChunks(asked),
                      total > HostileStore.MaxReadBytes ? Limit("the bytes asked for in one read", total, HostileStore.MaxReadBytes)
                      : lie.loc is null ? Expect.Fails<ChunkRejectedException>(e => Assert.Equal((default(ContentHash), "a chunk location is empty"), (e.Hash, e.Reason)))
                      : lie.fault is { } fault ? fault(lie.loc)()
                      : Expect.Succeeds<ImmutableArray<byte[]>>("the chunk of each location", data =>
                      {
                          Assert.Equal(asked.Length, data.Length);
                          for (var i = 0; i < asked.Length; i++)
                          {
                              Assert.True(ContentHash.Compute(data[i]) == asked[i].Hash && data[i].Length == asked[i].Length, $"location {i} read other bytes than its chunk");
                          }
                      }));

        // The victim's locations through another user's own reader: that profile has no such pack.
        var cross = from asked in valid.NonEmptyListOf().Select(l => l.Take(4).ToImmutableArray())
                    select new HostileRequest(
                        "read:victims-locations-from-own-profile",
                        $"ReadChunks of {HostileStore.Attacker} as its owner with the victim's locations [{string.Join(", ", asked.Select(Describe))}]",
                        s.AttackerToken,
                        async g => await g.GetChunkReader(HostileStore.Attacker).ReadChunks(asked),
                        noPack(asked[0])());

        return Gen.Frequency((12, own), (1, cross));
    }

    private static readonly ChunkLocation NoLocation = null!;

    private static string Describe(ChunkLocation? l) => l is null ? "null" : $"({Short(l.Hash)}, {l.Pack:N}, {l.Offset}, {l.Length})";

    // ---------------------------------------------------------------- snapshot numbers

    public static Gen<HostileRequest> SnapshotNumbers(HostileStore s)
    {
        var missing = Gen.OneOf(Gen.Choose(int.MinValue, -1), Gen.Choose(2, int.MaxValue), Gen.Elements(-1, int.MinValue, 2, int.MaxValue));
        var notFound = (int n) => Expect.Fails<SnapshotNotFoundException>(e => Assert.Equal((HostileStore.Victim.Value, n), (e.Profile, e.Snapshot)));
        var badMachine = Gen.Elements<string?>(null, "", "   ", "a\u0001b", "\n", new string('m', BeginUploadRequest.MaxMachineLength + 1));
        var asAdminOrOwner = Gen.Elements((name: "the victim", token: s.VictimToken), (name: "the administrator", token: s.AdminToken));
        return Gen.OneOf(
            from n in missing
            select new HostileRequest("snapshot:get-missing", $"GetSnapshot({n}) of the victim as the victim", s.VictimToken, async g => await Profile(g).GetSnapshot(n), notFound(n)),
            from n in Gen.Elements(0, 1)
            select new HostileRequest("snapshot:get-existing", $"GetSnapshot({n}) of the victim as the victim", s.VictimToken, async g => await Profile(g).GetSnapshot(n),
                Expect.Succeeds<Snapshot>("snapshot 1", snapshot =>
                {
                    Assert.Equal(s.VictimSnapshot, snapshot.Info);
                    ManifestAssert.Equal(s.VictimManifest, snapshot.Manifest);
                })),
            from n in missing from caller in asAdminOrOwner from machine in G.Machine
            select new HostileRequest("snapshot:restore-missing", $"Restore({n}, {Show.Text(machine)}) of the victim as {caller.name}", caller.token, async g => await Profile(g).Restore(n, machine), notFound(n)),
            from n in Gen.OneOf(missing, Gen.Elements(0, 1)) from caller in asAdminOrOwner from machine in badMachine
            select new HostileRequest("snapshot:restore-bad-machine", $"Restore({n}, {Show.Text(machine)}) of the victim as {caller.name}", caller.token, async g => await Profile(g).Restore(n, machine!),
                Invalid($"the machine name must be 1 to {BeginUploadRequest.MaxMachineLength} printable characters")));
    }

    // ---------------------------------------------------------------- tokens and other users

    public static Gen<HostileRequest> Tokens(HostileStore s)
    {
        var calls = ProfileCall.All(s);
        var mayNot = (ProfileCall c) => Expect.Fails<NotAuthorizedException>(e => Assert.Equal($"the token's user may not call {c.Method} on this profile", e.Reason));
        var invalidReasons = s.InvalidTokens.Select(t => t.Reason).Distinct().ToArray();

        var invalid = from token in Gen.Elements([.. s.InvalidTokens]) from call in Gen.Elements([.. calls])
                      select new HostileRequest($"token:{token.Name.Replace(' ', '-')}", $"{call.Method} of the victim with a token: {token.Name}", token.Token, g => call.Send(g, HostileStore.Victim.Value),
                          Expect.Fails<NotAuthorizedException>(e => Assert.Equal(token.Reason, e.Reason)));

        // A valid token of the victim with one character changed (not the last of the signature, whose low bits may not count), or cut, or grown.
        var tampered = from part in Gen.Choose(0, 2) from at in Gen.Choose(0, int.MaxValue) from c in Gen.Elements("ABCXYZabcxyz0189-_.=+/ ~".ToCharArray()) from how in Gen.Choose(0, 3) from call in Gen.Elements([.. calls])
                       let token = Tamper(s.VictimToken, part, at, c, how)
                       where token != s.VictimToken
                       select new HostileRequest("token:tampered", $"{call.Method} of the victim with a tampered victim token {Show.Text(token)}", token, g => call.Send(g, HostileStore.Victim.Value),
                           Expect.Fails<NotAuthorizedException>(e => Assert.Contains(e.Reason, invalidReasons)));

        var junk = from text in Gen.OneOf(G.Word(0, 300, "abcXYZ019.-_=+/ \u00e9\u0000\u200B"), G.Word(1, 3).Select(w => new string('a', 300_000) + w), Gen.Elements("..", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "Bearer x.y.z"))
                   from call in Gen.Elements([.. calls])
                   select new HostileRequest("token:junk", $"{call.Method} of the victim with the token {Show.Text(text)}", text, g => call.Send(g, HostileStore.Victim.Value),
                       Expect.Fails<NotAuthorizedException>(e => Assert.Contains(e.Reason, invalidReasons)));

        var others = from user in Gen.Elements([.. s.OtherUsers]) from call in Gen.Elements([.. calls])
                     select new HostileRequest($"token:{(user.Token == s.AttackerToken ? "another-user" : "not-the-owner")}", $"{call.Method} of the victim as {user.Name}", user.Token, g => call.Send(g, HostileStore.Victim.Value),
                         mayNot(call));

        // The administrator: refused on what only the owner may do; answered on status, history and (nothing to collect) garbage collection.
        // Restore, Delete and SetQuota would change the victim when allowed, as the administrator may: not sent.
        var admin = from call in Gen.Elements([.. calls.Where(c => c.Method is not ("Restore" or "Delete" or "SetQuota"))])
                    select new HostileRequest(
                        call.Access.HasFlag(ProfileAccess.Admin) ? "token:admin-allowed" : "token:admin-on-owner-only",
                        $"{call.Method} of the victim as the administrator",
                        s.AdminToken,
                        g => call.Send(g, HostileStore.Victim.Value),
                        call.Method switch
                        {
                            "GetStatus" => Expect.Succeeds<ProfileStatus>("the victim's status", r => Assert.Equal(s.VictimStatus, r)),
                            "GetHistory" => Expect.Succeeds<ImmutableArray<SnapshotInfo>>("the victim's history", r => Assert.Equal<SnapshotInfo>(s.VictimHistory, r)),
                            "CollectGarbage" => Expect.Succeeds<GarbageCollectionResult>("nothing to collect", r => Assert.Equal(new GarbageCollectionResult(0, 0, 0), r)),
                            var method => Expect.Fails<NotAuthorizedException>(e => Assert.Equal($"an administrator may not call {method}", e.Reason)),
                        });

        // Another user on their own profile, naming the victim's sessions: those sessions are not theirs.
        var ownProfile = Gen.Elements(
            new HostileRequest("token:victims-session-from-own-profile", $"PutChunks of the victim's session {s.VictimSession:N} on {HostileStore.Attacker} as its owner", s.AttackerToken,
                async g => await g.GetProfileUpload(HostileStore.Attacker).PutChunks(s.VictimSession, [.. s.VictimMissing.Select(s.VictimV2.Payload)]),
                Expect.Fails<UploadSessionNotFoundException>(e => Assert.Equal(s.VictimSession, e.SessionId))),
            new HostileRequest("token:victims-session-from-own-profile", $"CommitUpload of the victim's session {s.VictimSession:N} on {HostileStore.Attacker} as its owner", s.AttackerToken,
                async g => await g.GetProfileUpload(HostileStore.Attacker).CommitUpload(s.VictimSession),
                Expect.Fails<UploadSessionNotFoundException>(e => Assert.Equal(s.VictimSession, e.SessionId))),
            new HostileRequest("token:victims-session-from-own-profile", $"CommitUpload of the victim's snapshot 1 session {s.VictimSnapshot.SessionId:N} on {HostileStore.Attacker} as its owner", s.AttackerToken,
                async g => await g.GetProfileUpload(HostileStore.Attacker).CommitUpload(s.VictimSnapshot.SessionId),
                Expect.Fails<UploadSessionNotFoundException>(e => Assert.Equal(s.VictimSnapshot.SessionId, e.SessionId))),
            new HostileRequest("token:victims-snapshot-from-own-profile", $"GetSnapshot(1) on {HostileStore.Attacker} as its owner", s.AttackerToken,
                async g => await g.GetProfile(HostileStore.Attacker).GetSnapshot(1),
                Expect.Fails<SnapshotNotFoundException>(e => Assert.Equal((HostileStore.Attacker.Value, 1), (e.Profile, e.Snapshot)))),
            new HostileRequest("token:victims-snapshot-from-own-profile", $"Restore(1) on {HostileStore.Attacker} as its owner", s.AttackerToken,
                async g => await g.GetProfile(HostileStore.Attacker).Restore(1, "EVIL"),
                Expect.Fails<SnapshotNotFoundException>(e => Assert.Equal((HostileStore.Attacker.Value, 1), (e.Profile, e.Snapshot)))));

        return Gen.Frequency((6, invalid), (3, tampered), (2, junk), (4, others), (2, admin), (1, ownProfile));
    }

    private static string Tamper(string token, int part, int at, char c, int how)
    {
        var parts = token.Split('.');
        var text = parts[part];
        var limit = part == 2 ? text.Length - 1 : text.Length;
        var i = at % limit;
        parts[part] = how switch
        {
            0 => text[..i] + c + text[(i + 1)..],
            1 => text[..i],
            2 => text[..i] + c + text[i..],
            _ => text[..i] + text[(i + 1)..],
        };
        return string.Join('.', parts);
    }
}
