namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>Push and pull time, local and Azure mode</summary>
public sealed class TransferTimeFigure : IFigure
{
    public string Name => "time";

    public string Title => "Push and pull time, local and Azure mode";

    public int Order => 30;

    public Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
        => Task.FromResult(new FigureReport(this).Paragraph("Not implemented yet: this figure is registered (its name is accepted) but measures nothing in this version of the command."));
}
