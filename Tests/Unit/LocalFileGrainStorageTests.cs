using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Local;
using Orleans.Profiles.Uploads;
using Orleans.Profiles.Tests.Support;
using Orleans.Storage;

namespace Orleans.Profiles.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class LocalFileGrainStorageTests : IDisposable
{
    private const string StateName = "profile";
    private static readonly GrainId Grain = GrainId.Create("profile", "contoso\\alice");

    private readonly TempDirectory _data = new("grain-state");

    public void Dispose() => _data.Dispose();

    private string StateFile => _data.Combine("grain-state", "profiles", "profile", "profile%2fcontoso%5calice.state");

    [Fact]
    public async Task A_written_state_reads_back_equal()
    {
        var written = new GrainState<ProfileState> { State = SampleState() };
        await NewStorage().WriteStateAsync(StateName, Grain, written);

        var read = new GrainState<ProfileState>();
        await NewStorage().ReadStateAsync(StateName, Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(7, read.State!.Current);
        Assert.Equal(9, read.State.LastNumber);
        Assert.Equal(written.State.History, read.State.History);
        Assert.Equal(written.State.Sessions, read.State.Sessions);
        Assert.Equal(["grain-state/profiles/profile/profile%2fcontoso%5calice.state"], _data.Files());
    }

    [Fact]
    public async Task Each_write_advances_the_ETag_and_leaves_no_temporary_file()
    {
        var state = new GrainState<ProfileState> { State = SampleState() };
        var storage = NewStorage();
        for (var i = 1; i <= 5; i++)
        {
            state.State.Current = i;
            await storage.WriteStateAsync(StateName, Grain, state);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), state.ETag);
        }

        var read = new GrainState<ProfileState>();
        await NewStorage().ReadStateAsync(StateName, Grain, read);
        Assert.Equal("5", read.ETag);
        Assert.Equal(5, read.State!.Current);
        Assert.Equal([Path.GetRelativePath(_data.Path, StateFile)], _data.Files());
    }

    [Fact]
    public async Task A_missing_state_reads_as_new()
    {
        var read = new GrainState<ProfileState> { ETag = "stale" };

        await NewStorage().ReadStateAsync(StateName, Grain, read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(0, read.State!.Current);
        Assert.Empty(read.State.History);
        Assert.Empty(read.State.Sessions);
    }

    [Fact]
    public async Task A_stale_ETag_is_refused_and_the_file_is_unchanged()
    {
        var first = new GrainState<ProfileState>();
        var second = new GrainState<ProfileState>();
        await NewStorage().WriteStateAsync(StateName, Grain, new GrainState<ProfileState> { State = SampleState() });
        await NewStorage().ReadStateAsync(StateName, Grain, first);
        await NewStorage().ReadStateAsync(StateName, Grain, second);
        second.State!.Current = 8;
        await NewStorage().WriteStateAsync(StateName, Grain, second);
        var stored = await File.ReadAllBytesAsync(StateFile);

        first.State!.Current = 1;
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => NewStorage().WriteStateAsync(StateName, Grain, first));

        Assert.Equal("2", error.StoredEtag);
        Assert.Equal("1", error.CurrentEtag);
        Assert.Equal("1", first.ETag);
        Assert.Equal(stored, await File.ReadAllBytesAsync(StateFile));
        Assert.Single(_data.Files());
        await Assert.ThrowsAsync<InconsistentStateException>(() => NewStorage().ClearStateAsync(StateName, Grain, first));
        Assert.Equal(stored, await File.ReadAllBytesAsync(StateFile));
    }

    [Fact]
    public async Task A_write_that_expects_a_state_that_does_not_exist_is_refused()
    {
        var state = new GrainState<ProfileState> { State = SampleState(), ETag = "3" };

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => NewStorage().WriteStateAsync(StateName, Grain, state));

        Assert.Null(error.StoredEtag);
        Assert.Equal("3", error.CurrentEtag);
        Assert.Empty(_data.Files());
    }

    [Fact]
    public async Task Clear_deletes_the_state()
    {
        var state = new GrainState<ProfileState> { State = SampleState() };
        await NewStorage().WriteStateAsync(StateName, Grain, state);

        await NewStorage().ClearStateAsync(StateName, Grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Empty(_data.Files());
        var read = new GrainState<ProfileState>();
        await NewStorage().ReadStateAsync(StateName, Grain, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task Grains_and_state_names_get_separate_files()
    {
        var other = GrainId.Create("profile", "contoso\\bob");
        await NewStorage().WriteStateAsync(StateName, Grain, new GrainState<ProfileState> { State = new ProfileState { Current = 1 } });
        await NewStorage().WriteStateAsync(StateName, other, new GrainState<ProfileState> { State = new ProfileState { Current = 2 } });
        await NewStorage().WriteStateAsync("other", Grain, new GrainState<ProfileState> { State = new ProfileState { Current = 3 } });

        foreach (var (name, grain, current) in new[] { (StateName, Grain, 1), (StateName, other, 2), ("other", Grain, 3) })
        {
            var read = new GrainState<ProfileState>();
            await NewStorage().ReadStateAsync(name, grain, read);
            Assert.Equal(current, read.State!.Current);
            Assert.Equal("1", read.ETag);
        }

        Assert.Equal(3, _data.Files().Count);
    }

    private LocalFileGrainStorage NewStorage() => new(
        "profiles",
        Options.Create(new LocalStorageOptions { DataDirectory = _data.Path }),
        new OrleansGrainStorageSerializer(OrleansSerialization.Serializer),
        NullLogger<LocalFileGrainStorage>.Instance);

    private static ProfileState SampleState()
    {
        var session = Guid.Parse("3f1e2d4c-5b6a-4789-90ab-cdef01234567");
        var committedAt = new DateTimeOffset(2025, 11, 25, 8, 30, 0, TimeSpan.Zero);
        return new ProfileState
        {
            Current = 7,
            LastNumber = 9,
            History =
            [
                new SnapshotInfo(7, committedAt, "WS-0001", 123_456, 3, ContentHash.Compute("m7"u8), 6, 0, 0, Guid.NewGuid()),
                new SnapshotInfo(9, committedAt.AddHours(1), "WS-0002", 654_321, 4, ContentHash.Compute("m9"u8), 6, 7, 0, Guid.NewGuid()),
            ],
            Sessions =
            {
                [session] = new UploadSession(session, ContentHash.Compute("s"u8), 7, 9, "WS-0003", committedAt, committedAt.AddDays(1)),
            },
        };
    }
}
