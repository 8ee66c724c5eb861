using Orleans.Profiles.Benchmarks.Support;

namespace Orleans.Profiles.Benchmarks;

/// <summary>What every figure gets: the settings, a scratch folder, the baseline tools, hive pairs, and a log.</summary>
public sealed class FigureContext(BenchmarkSettings settings, string workDirectory, TextWriter log) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public BenchmarkSettings Settings { get; } = settings;

    /// <summary>A fresh folder under the run's scratch folder; removed at the end of the run.</summary>
    public string NewDirectory(string name)
    {
        var path = Path.Combine(workDirectory, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        Directory.CreateDirectory(path);
        return path;
    }

    public BaselineTools Tools => _tools ??= new BaselineTools(Log);

    private BaselineTools? _tools;

    public TextWriter Log { get; } = log;

    /// <summary>The hive pairs the byte figures measure: the one given by --hive-pair, or generated ones.</summary>
    public IReadOnlyList<HivePair> HivePairs => _hivePairs ??= Settings.HivePair is { } given
        ? [HivePair.FromFiles(given.Base, given.Edited)]
        : HivePair.Generated(NewDirectory("hives"));

    private IReadOnlyList<HivePair>? _hivePairs;

    /// <summary>Azurite, started on free loopback ports the first time a figure asks, stopped at the end of the run.</summary>
    public async Task<Azurite> AzuriteAsync(CancellationToken cancellationToken)
    {
        if (_azurite is null)
        {
            _azurite = await Azurite.StartAsync(NewDirectory("azurite"), Log, cancellationToken);
            _owned.Add(_azurite);
        }

        return _azurite;
    }

    private Azurite? _azurite;

    /// <summary>Stops <paramref name="resource"/> at the end of the run (silos, proxies a figure keeps).</summary>
    public T Own<T>(T resource) where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        _owned.Clear();
    }
}
