using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Profiles.Sync;
using Spectre.Console;

namespace Orleans.Profiles.Agent.Cli;

/// <summary>
/// Everything the agent prints: results as text or JSON on standard output, errors as one line on
/// standard error, and progress as a bar on a terminal or as plain lines on standard error otherwise.
/// </summary>
public sealed class ConsoleOutput(bool json)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new ContentHashJsonConverter(), new JsonStringEnumConverter() },
    };

    public bool Json => json;

    public void Result(object value, string text)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(value, value.GetType(), JsonOptions));
        }
        else
        {
            Console.Out.WriteLine(text);
        }
    }

    public void Error(int exitCode, string message)
    {
        Console.Error.WriteLine($"profiles-agent: error: {message}");
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { error = message, exitCode }, JsonOptions));
        }
    }

    public void Warning(string message) => Console.Error.WriteLine($"profiles-agent: warning: {message}");

    /// <summary>A conflict after the result was printed (the JSON result already says it).</summary>
    public void Conflict(string message) => Console.Error.WriteLine($"profiles-agent: conflict: {message}");

    /// <summary>Runs a transfer with a progress display suited to where the output goes.</summary>
    public async Task<T> WithProgressAsync<T>(Func<IProgress<TransferProgress>, Task<T>> transfer)
    {
        if (json || Console.IsOutputRedirected || Console.IsErrorRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await transfer(new PlainProgress());
        }

        return await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask? task = null;
                return await transfer(new CallbackProgress(report =>
                {
                    task ??= context.AddTask(report.Operation, maxValue: Math.Max(1, report.TotalBytes));
                    task.Value = report.Bytes;
                }));
            });
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };

    private sealed class CallbackProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }

    /// <summary>One line when data starts to move and at every tenth of the way, for logs and scripts.</summary>
    private sealed class PlainProgress : IProgress<TransferProgress>
    {
        private int _lastTenth = -1;

        public void Report(TransferProgress value)
        {
            if (value.TotalBytes == 0 || value.Bytes == 0)
            {
                return;
            }

            var tenth = (int)(value.Bytes * 10 / value.TotalBytes);
            if (tenth == _lastTenth)
            {
                return;
            }

            _lastTenth = tenth;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"progress: {value.Operation} {Size(value.Bytes)} of {Size(value.TotalBytes)} ({value.Bytes * 100 / value.TotalBytes}%), {value.Chunks} of {value.TotalChunks} chunks"));
        }
    }

    private sealed class ContentHashJsonConverter : JsonConverter<ContentHash>
    {
        public override ContentHash Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ContentHash.Parse(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, ContentHash value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
