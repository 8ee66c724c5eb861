using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

/// <summary>
/// What every <see cref="IProfileEraser"/> must do: list and delete everything of one profile (committed packs,
/// a staging upload, manifests), nothing of another, and be run again after a cut without harm.
/// </summary>
public abstract class ProfileEraserContract
{
    private static readonly ProfileKey Leaver = ProfileKey.Parse(@"CONTOSO\Leaver");
    private static readonly ProfileKey Stayer = ProfileKey.Parse(@"CONTOSO\Stayer");

    protected abstract IPackStore CreatePackStore();

    protected abstract IManifestStore CreateManifestStore();

    protected abstract IProfileEraser CreateEraser();

    /// <summary>The names of everything the storage holds (files and folders, or blobs), sorted.</summary>
    protected abstract Task<IReadOnlyList<string>> StoredObjectsAsync();

    [Fact]
    public async Task Everything_of_one_profile_goes_and_nothing_of_another_even_when_a_first_run_was_cut()
    {
        foreach (var profile in new[] { Leaver, Stayer })
        {
            await StoreAsync(profile);
        }

        var before = await StoredObjectsAsync();
        var items = await CreateEraser().ListAsync(Leaver);
        // At least two packs (one committed, one staging), a snapshot's manifest and a session's (Azure adds staging indexes).
        Assert.True(items.Count >= 4, string.Join(", ", items));
        var stayer = await CreateEraser().ListAsync(Stayer);
        Assert.Equal(items.Count, stayer.Count);

        // A first run cut after one item; a second one (a new instance, as after a restart) lists the rest.
        await CreateEraser().DeleteAsync(items[0]);
        var rest = await CreateEraser().ListAsync(Leaver);
        Assert.Equal(items.Skip(1), rest);
        foreach (var item in rest.Append(items[0]))
        {
            await CreateEraser().DeleteAsync(item);
        }

        await CreateEraser().FinishAsync(Leaver);
        await CreateEraser().FinishAsync(Leaver);

        Assert.Empty(await CreateEraser().ListAsync(Leaver));
        var after = await StoredObjectsAsync();
        Assert.DoesNotContain(after, name => name.Contains(Leaver.StorageName, StringComparison.Ordinal));
        Assert.Equal(before.Where(name => !name.Contains(Leaver.StorageName, StringComparison.Ordinal)), after);
        Assert.Equal(stayer, await CreateEraser().ListAsync(Stayer));
    }

    private async Task StoreAsync(ProfileKey profile)
    {
        var committed = Guid.NewGuid();
        var open = Guid.NewGuid();
        var packs = CreatePackStore();
        await packs.StageAsync(profile, committed, [Payload(TestData.RandomBytes(4096, seed: 1700))]);
        await packs.CommitAsync(profile, committed);
        await packs.StageAsync(profile, open, [Payload(TestData.RandomBytes(4096, seed: 1701))]);
        await CreateManifestStore().WriteAsync(profile, ManifestName.ForSnapshot(1), ProfileManifest.Empty);
        await CreateManifestStore().WriteAsync(profile, ManifestName.ForSession(open), ProfileManifest.Empty);
    }

    private static ChunkPayload Payload(byte[] data) => new(ContentHash.Compute(data), data);
}
