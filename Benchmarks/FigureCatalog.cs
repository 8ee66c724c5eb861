using System.Reflection;

namespace Orleans.Profiles.Benchmarks;

/// <summary>Every <see cref="IFigure"/> of this assembly, found by reflection so a new figure needs no list to edit.</summary>
public static class FigureCatalog
{
    public const string All = "all";

    public static IReadOnlyList<IFigure> Figures { get; } = typeof(FigureCatalog).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IFigure).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => (IFigure)Activator.CreateInstance(t)!)
        .OrderBy(f => f.Order)
        .ThenBy(f => f.Name, StringComparer.Ordinal)
        .ToArray();

    public static IReadOnlyList<string> Names => [All, .. Figures.Select(f => f.Name)];

    /// <summary>The figures a command-line name selects: one, or every one for <c>all</c>.</summary>
    public static IReadOnlyList<IFigure> Select(string name)
        => string.Equals(name, All, StringComparison.OrdinalIgnoreCase)
            ? Figures
            : Figures.Where(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)).ToArray();
}
