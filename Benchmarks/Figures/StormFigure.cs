namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>Logon and logoff storms through one silo</summary>
public sealed class StormFigure : IFigure
{
    public string Name => "storm";

    public string Title => "Logon and logoff storms through one silo";

    public int Order => 50;

    public Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
        => Task.FromResult(new FigureReport(this).Paragraph("Not implemented yet: this figure is registered (its name is accepted) but measures nothing in this version of the command."));
}
