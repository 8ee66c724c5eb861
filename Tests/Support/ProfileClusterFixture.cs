namespace Orleans.Profiles.Tests.Support;

/// <summary>
/// One cluster for a test class, on a fresh data folder deleted at the end, with a clock the tests
/// can move. Each test takes its own profile (<see cref="NewKey"/>), so tests share nothing else.
/// </summary>
public sealed class ProfileClusterFixture : IAsyncLifetime
{
    /// <summary>The smallest batch limit the store accepts, so an oversized batch is cheap to build.</summary>
    public const int MaxBatchBytes = ProfileChunker.MaxChunkSize;

    private readonly TempDirectory _data = new("grains");
    private ProfileStoreCluster? _cluster;
    private int _keys;

    public ManualTimeProvider Time { get; } = new();

    public ProfileStoreCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public IClusterClient Client => Cluster.Client;

    public TempDirectory Data => _data;

    /// <summary>A profile no other test uses.</summary>
    public ProfileKey NewKey() => ProfileKey.Parse($@"CONTOSO\User{Interlocked.Increment(ref _keys)}");

    public async Task InitializeAsync()
        => _cluster = await ProfileStoreCluster.StartAsync(_data.Path, Time, o => o.MaxBatchBytes = MaxBatchBytes);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _data.Dispose();
    }
}
