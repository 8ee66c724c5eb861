namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>First push bytes against zstd -3</summary>
public sealed class FirstPushFigure : IFigure
{
    public string Name => "first-push";

    public string Title => "First push bytes against zstd -3";

    public int Order => 20;

    public Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
        => Task.FromResult(new FigureReport(this).Paragraph("Not measured yet."));
}
