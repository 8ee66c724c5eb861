using System.Diagnostics;
using FsCheck;
using Xunit.Abstractions;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>
/// Invariants 6 and 7 under generated hostile input, on a real in-process cluster with
/// authentication on: every request gets one exact typed <see cref="ProfileStoreException"/> (or, for
/// the few valid requests generated, the exact expected result), the silo keeps serving, and the
/// victim profile does not change (see <see cref="HostileStore.RunAsync"/>). Each test prints its seed
/// and how many requests of each kind it sent; replay a run with PROFILES_HOSTILE_SEED.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Grain)]
public sealed class HostileInputTests(HostileInputStore store, ITestOutputHelper output) : IClassFixture<HostileInputStore>
{
    private async Task RunAsync(string name, Gen<HostileRequest> requests, int cases)
    {
        var ledger = new HostileLedger();
        var clock = Stopwatch.StartNew();
        try
        {
            await HostileCheck.RunAsync(output, name, requests, cases, request => store.RunAsync(request, ledger));
        }
        finally
        {
            ledger.Report(output, clock.Elapsed);
        }

        Assert.Equal(cases, ledger.Total);
    }

    [Fact]
    public Task Bad_profile_keys_get_a_typed_error_and_reach_nothing()
        => RunAsync("bad profile keys", InputFamilies.Keys(store, InputFamilies.BadKeys), 1200);

    [Fact]
    public Task Over_long_profile_keys_get_a_typed_error_and_reach_nothing()
        => RunAsync("over-long profile keys", InputFamilies.Keys(store, InputFamilies.OverlongKeys), 200);

    [Fact]
    public Task Manifest_paths_that_could_leave_the_profile_folder_or_alias_a_file_are_refused()
        => RunAsync("bad manifest paths", InputFamilies.Paths(store), 1500);

    [Fact]
    public Task Manifests_that_lie_or_break_a_limit_are_refused_before_anything_is_stored()
        => RunAsync("lying manifests", InputFamilies.Manifests(store), 1500);

    [Fact]
    public Task Bad_chunk_batches_are_refused_whole_and_out_of_order_calls_get_typed_errors()
        => RunAsync("bad chunk batches", InputFamilies.Chunks(store), 1500);

    [Fact]
    public Task Chunk_reads_with_lying_locations_are_refused_or_read_only_the_profiles_own_packs()
        => RunAsync("lying chunk locations", InputFamilies.Reads(store), 1500);

    [Fact]
    public Task Snapshots_that_do_not_exist_cannot_be_read_or_restored()
        => RunAsync("snapshot numbers", InputFamilies.SnapshotNumbers(store), 600);

    [Fact]
    public Task Bad_tokens_other_users_and_administrators_reach_only_what_they_may()
        => RunAsync("tokens and other users", InputFamilies.Tokens(store), 1500);

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\r\n")]
    public async Task An_empty_or_blank_grain_key_is_refused_by_the_client_before_anything_is_sent(string key)
    {
        Assert.Throws<ArgumentException>(() => store.Grains.GetGrain<IProfileGrain>(key));
        Assert.Throws<ArgumentException>(() => store.Grains.GetGrain<IChunkReaderGrain>(key));
        await store.AssertServingAndUnchangedAsync(deep: true);
    }
}
