namespace Orleans.Profiles.Benchmarks;

/// <summary>
/// One figure of BENCHMARKS.md: a measurement of the store beside its baseline, taken in the same run.
/// A figure registers itself by being a sealed class with a parameterless constructor in this assembly
/// (see <see cref="FigureCatalog"/>): adding a figure is adding one file under Figures/.
/// </summary>
public interface IFigure
{
    /// <summary>The name on the command line (<c>dotnet run --project Benchmarks -- wire</c>).</summary>
    string Name { get; }

    /// <summary>The section heading in BENCHMARKS.md.</summary>
    string Title { get; }

    /// <summary>Where the section goes in BENCHMARKS.md and when it runs in <c>all</c>: lower first.</summary>
    int Order { get; }

    Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken);
}
