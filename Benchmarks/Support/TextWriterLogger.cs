using BenchmarkDotNet.Loggers;

namespace Orleans.Profiles.Benchmarks.Support;

/// <summary>BenchmarkDotNet's progress to the run's log (standard error): standard output carries the report.</summary>
public sealed class TextWriterLogger(TextWriter writer) : ILogger
{
    public string Id => nameof(TextWriterLogger);

    public int Priority => 0;

    public void Write(LogKind logKind, string text) => writer.Write(text);

    public void WriteLine() => writer.WriteLine();

    public void WriteLine(LogKind logKind, string text) => writer.WriteLine(text);

    public void Flush() => writer.Flush();
}
