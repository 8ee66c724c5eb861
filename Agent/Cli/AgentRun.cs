using System.CommandLine;
using Microsoft.Extensions.Logging;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Cli;

/// <summary>One invocation of a command: its options, a store connection, and the mapping of failures to exit codes.</summary>
public sealed class AgentRun
{
    private AgentRun(StoreConnection store, ProfileSyncClient client, ConsoleOutput output)
    {
        Store = store;
        Client = client;
        Output = output;
    }

    /// <summary>The connection itself, for the administrator's commands (directory, delete, audit, quota).</summary>
    public StoreConnection Store { get; }

    public ProfileSyncClient Client { get; }

    public ConsoleOutput Output { get; }

    public static Task<int> RunAsync(ParseResult parse, Func<AgentRun, ProfileKey, Task<int>> command, CancellationToken cancellationToken)
        => RunAsync(parse, run => command(run, ProfileKey.Parse(parse.GetRequiredValue(AgentOptions.User))), cancellationToken);

    /// <summary>A command that names no user (or parses its own): <c>admin list</c>, <c>admin audit</c>.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<AgentRun, Task<int>> command, CancellationToken cancellationToken)
    {
        var output = new ConsoleOutput(parse.GetValue(AgentOptions.Json));
        try
        {
            var options = new ProfileSyncOptions
            {
                Gateways = [.. parse.GetRequiredValue(AgentOptions.Gateway).Select(AgentOptions.ParseGateway)],
                StateDirectory = parse.GetRequiredValue(AgentOptions.StateDir),
                ClusterId = parse.GetRequiredValue(AgentOptions.ClusterId),
                ServiceId = parse.GetRequiredValue(AgentOptions.ClusterId),
                ResponseTimeout = TimeSpan.FromSeconds(Positive(parse.GetValue(AgentOptions.Timeout), "--timeout")),
                MaxAttempts = Positive(parse.GetValue(AgentOptions.Retries), "--retries"),
                BandwidthLimit = parse.GetResult(AgentOptions.BandwidthLimit) is null ? 0 : Positive(parse.GetValue(AgentOptions.BandwidthLimit), "--bwlimit") * 1024,
                Machine = parse.GetResult(AgentOptions.Machine) is null ? Environment.MachineName : parse.GetRequiredValue(AgentOptions.Machine),
                Token = ReadToken(parse),
                Tls = AgentTlsOptions.FromParse(parse),
                Filter = ProfileFilter.Create(parse.GetValue(AgentOptions.Exclude) ?? [], parse.GetValue(AgentOptions.Include) ?? []),
            };

            // Our own warnings (retries) always show; Orleans' connection chatter only with --verbose.
            var level = parse.GetValue(AgentOptions.Verbose) ? LogLevel.Information : LogLevel.Warning;
            using var loggerFactory = LoggerFactory.Create(logging => logging
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(level)
                .AddFilter("Orleans", parse.GetValue(AgentOptions.Verbose) ? LogLevel.Warning : LogLevel.None)
                .AddFilter("Orleans.Profiles", level)
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None));
            await using var connection = new StoreConnection(options, loggerFactory, TimeProvider.System);
            var client = new ProfileSyncClient(connection, options, TimeProvider.System, loggerFactory.CreateLogger<ProfileSyncClient>());
            return await command(new AgentRun(connection, client, output));
        }
        catch (Exception ex)
        {
            var (code, message) = Classify(ex, cancellationToken);
            output.Error(code, message);
            return code;
        }
    }

    private static (int Code, string Message) Classify(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested
            => (ExitCodes.Interrupted, "interrupted: the store keeps its current snapshot; a push resumes where it stopped, a pull left local files as they were"),
        NotAuthorizedException => (ExitCodes.NotAuthorized, ex.Message),
        UploadsOpenException => (ExitCodes.Conflict, ex.Message),
        ProfileStoreException { IsBadInput: true } => (ExitCodes.BadInput, ex.Message),
        ProfileStoreException => (ExitCodes.Failure, ex.Message),
        UnpushedChangesException => (ExitCodes.Conflict, ex.Message),
        StoreUnreachableException => (ExitCodes.StoreUnavailable, ex.Message),
        SnapshotVerificationException => (ExitCodes.VerificationFailed, ex.Message),
        FileChangedDuringSyncException => (ExitCodes.Failure, ex.Message),
        ArgumentException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException => (ExitCodes.BadInput, ex.Message),
        // Store calls fail as StoreUnreachableException after their retries: an I/O error that gets here is this machine's disk.
        IOException => (ExitCodes.Failure, $"a local file could not be read or written: {ex.Message}"),
        _ when StoreConnection.IsTransient(ex) => (ExitCodes.StoreUnavailable, $"the profile store is unavailable: {ex.Message}"),
        // A logon script's user reads this line: what went wrong, not the .NET type (the log has the stack).
        _ => (ExitCodes.Failure, $"unexpected failure: {ex.Message}"),
    };

    /// <summary>The token from --token-file, else PROFILES_TOKEN; never printed.</summary>
    private static string? ReadToken(ParseResult parse)
    {
        var token = parse.GetValue(AgentOptions.TokenFile) is { } file
            ? File.ReadAllText(file)
            : Environment.GetEnvironmentVariable(TokenVariable);
        return string.IsNullOrWhiteSpace(token) ? null : token.Trim();
    }

    public const string TokenVariable = "PROFILES_TOKEN";

    private static T Positive<T>(T value, string option) where T : System.Numerics.INumber<T>
        => value > T.Zero ? value : throw new ArgumentException($"{option} must be positive, not {value}.");
}
