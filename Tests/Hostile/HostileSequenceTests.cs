using System.Diagnostics;
using Orleans.Profiles.Tests.Support;
using Xunit.Abstractions;
using TestData = Orleans.Profiles.Tests.Support.TestData;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>The store of <see cref="HostileSequenceTests"/>: a victim to keep unchanged, and fresh scratch profiles for sequences.</summary>
public sealed class HostileSequenceStore() : HostileStore(maxOpenSessions: 2, maxProfileBytes: 400_000)
{
    public static readonly string[] ContentNames = ["A", "B (A with two hive pages changed and a file added)", "C (one other file)", "A with a lying file hash", "A with a lying file length"];

    private const string TextPath = @"AppData\Roaming\a.txt";
    private int _profiles;

    public IReadOnlyList<Content> Contents { get; private set; } = [];

    /// <summary>The real bytes of every chunk any content names.</summary>
    public IReadOnlyDictionary<ContentHash, byte[]> AllBytes { get; private set; } = new Dictionary<ContentHash, byte[]>();

    /// <summary>A profile no sequence has used.</summary>
    public ProfileKey NewScratchProfile() => ProfileKey.Parse($@"contoso\scratch{Interlocked.Increment(ref _profiles)}");

    protected override async Task SetUpAsync()
    {
        var hive = TestData.HiveLike(8, seed: 21);
        var text = TestData.RandomBytes(20_000, seed: 22);
        var a = await UploadContent.CreateAsync((HivePath, hive), (TextPath, text), (EmptyPath, []));
        var b = await UploadContent.CreateAsync((HivePath, TestData.ChangePages(hive, [1, 3], seed: 23)), (TextPath, text), (@"AppData\Roaming\b.bin", TestData.RandomBytes(30_000, seed: 24)), (EmptyPath, []));
        var c = await UploadContent.CreateAsync((@"AppData\Roaming\c.txt", TestData.RandomBytes(40_000, seed: 25)));
        AllBytes = a.Chunks.Concat(b.Chunks).Concat(c.Chunks).DistinctBy(x => x.Key).ToDictionary();

        // Lies a begin cannot see: a whole-file hash that is not the file's, and a length one chunk can hold but is not the chunk's.
        ProfileManifest Lie(Func<ManifestFile, ManifestFile> change) => new([.. a.Manifest.Files.Select(f => f.Path == TextPath ? change(f) : f)], []);
        Contents =
        [
            new(ContentNames[0], a.Manifest, a.Chunks),
            new(ContentNames[1], b.Manifest, b.Chunks),
            new(ContentNames[2], c.Manifest, c.Chunks),
            new(ContentNames[3], Lie(f => f with { Sha256 = ContentHash.Compute("not the file"u8) }), a.Chunks),
            new(ContentNames[4], Lie(f => f with { Length = f.Length - 1000 }), a.Chunks),
        ];
    }

    // The scratch profiles' own files, and the directory partitions that list them beside the victim, change by design.
    protected override bool Watched(string relativePath)
        => base.Watched(relativePath) && !relativePath.Contains("scratch", StringComparison.Ordinal)
           && !relativePath.StartsWith("grain-state/profiles/directory/", StringComparison.Ordinal);
}

/// <summary>
/// Out-of-order and repeated upload calls (put or commit before begin, commit twice, put after commit,
/// abort then put, another manifest under an open or committed session's id, bases that do not exist,
/// conflicts, too many sessions, over quota, restores of snapshots that do not exist, manifests whose
/// lies show only at put or commit) on fresh profiles: after every call, its outcome and the profile's
/// status are exactly what a model of the store predicts, the silo serves, and the victim is unchanged.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class HostileSequenceTests(HostileSequenceStore store, ITestOutputHelper output) : IClassFixture<HostileSequenceStore>
{
    private const int Cases = 320;

    [Fact]
    public async Task Out_of_order_and_repeated_upload_calls_get_exactly_the_outcome_the_model_predicts()
    {
        var ledger = new HostileLedger();
        var clock = Stopwatch.StartNew();
        var cases = 0;
        try
        {
            await HostileCheck.RunAsync(output, "session sequences", SequenceCase.Generator(store.Contents.Count), Cases, async c =>
            {
                Interlocked.Increment(ref cases);
                await RunAsync(c, ledger);
            }, c => c.Shrinks());
        }
        finally
        {
            ledger.Report(output, clock.Elapsed);
        }

        Assert.Equal(Cases, cases);
    }

    private async Task RunAsync(SequenceCase sequence, HostileLedger ledger)
    {
        var key = store.NewScratchProfile();
        var token = store.Keys.Issue(key.Value);
        var model = new SessionModel(store, key, sequence.Sessions, token);
        for (var i = 0; i < sequence.Ops.Length; i++)
        {
            var step = model.Plan(sequence.Ops[i]);
            ledger.Count($"sequence:{step.Kind}");
            Outcome outcome;
            try
            {
                outcome = new Outcome(await store.CallAs(token, step.Send), null);
            }
            catch (Exception ex)
            {
                outcome = new Outcome(null, ex);
            }

            try
            {
                step.Expect.Verify(outcome);
                step.Apply(outcome);
                if (step.Then is { } then)
                {
                    await then(outcome);
                }

                Assert.Equal(model.Status, await store.CallAs(token, g => g.GetProfile(key).GetStatus()));
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"call {i + 1} of {sequence.Ops.Length}, {sequence.Ops[i]} on {key} ({step.Kind}): {ex.Message}");
            }

            await store.AssertServingAndUnchangedAsync(deep: ledger.Total % HostileStore.DeepCheckEvery == 0);
        }
    }
}
