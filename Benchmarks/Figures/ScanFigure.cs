namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>Scan of an unchanged profile against sha256sum</summary>
public sealed class ScanFigure : IFigure
{
    public string Name => "scan";

    public string Title => "Scan of an unchanged profile against sha256sum";

    public int Order => 40;

    public Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
        => Task.FromResult(new FigureReport(this).Paragraph("Not implemented yet: this figure is registered (its name is accepted) but measures nothing in this version of the command."));
}
