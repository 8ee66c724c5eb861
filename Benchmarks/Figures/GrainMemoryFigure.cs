namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>Memory per idle activated profile grain</summary>
public sealed class GrainMemoryFigure : IFigure
{
    public string Name => "memory";

    public string Title => "Memory per idle activated profile grain";

    public int Order => 60;

    public Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
        => Task.FromResult(new FigureReport(this).Paragraph("Not implemented yet: this figure is registered (its name is accepted) but measures nothing in this version of the command."));
}
