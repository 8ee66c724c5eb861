namespace Orleans.Profiles.Benchmarks.Figures;

/// <summary>Bytes on the wire: logoff push and logon pull of an edited hive</summary>
public sealed class WireBytesFigure : IFigure
{
    public string Name => "wire";

    public string Title => "Bytes on the wire: logoff push and logon pull of an edited hive";

    public int Order => 10;

    public Task<FigureReport> RunAsync(FigureContext context, CancellationToken cancellationToken)
        => Task.FromResult(new FigureReport(this).Paragraph("Not measured yet."));
}
