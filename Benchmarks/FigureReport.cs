using System.Globalization;
using System.Text;

namespace Orleans.Profiles.Benchmarks;

/// <summary>What a figure measured: its section of BENCHMARKS.md (Markdown) and its targets.</summary>
public sealed class FigureReport(IFigure figure)
{
    private readonly StringBuilder _body = new();

    public IFigure Figure { get; } = figure;

    public List<TargetCheck> Targets { get; } = [];

    public string Body => _body.ToString();

    public FigureReport Paragraph(string text)
    {
        _body.AppendLine(text).AppendLine();
        return this;
    }

    public FigureReport Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.Append("| ").AppendJoin(" | ", headers).AppendLine(" |");
        _body.Append('|').AppendJoin('|', headers.Select(_ => " --- ")).AppendLine("|");
        foreach (var row in rows)
        {
            _body.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        _body.AppendLine();
        return this;
    }

    public FigureReport Target(TargetCheck check)
    {
        Targets.Add(check);
        return this;
    }

    public static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture) + " B";

    public static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString(time.TotalMilliseconds < 10 ? "0.00" : "N0", CultureInfo.InvariantCulture) + " ms";

    public static string Ratio(double ratio) => ratio.ToString(ratio < 0.1 ? "0.0000" : "0.00", CultureInfo.InvariantCulture) + "×";

    public static string Number(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
}
