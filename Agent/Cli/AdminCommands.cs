using System.CommandLine;
using System.Globalization;
using System.Text;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Cli;

/// <summary>The administrator's commands (an admin token): the profile directory, removing a leaver, quotas and the audit record.</summary>
public static class AdminCommands
{
    public static Command Build()
    {
        var admin = new Command("admin", "Operate the store (needs a token with the administrator role)");
        admin.Subcommands.Add(List());
        admin.Subcommands.Add(Delete());
        admin.Subcommands.Add(Quota());
        admin.Subcommands.Add(Audit());
        return admin;
    }

    private static Command List()
    {
        var filter = new Option<string[]>("--filter")
        {
            Description = "Only profiles where FIELD OP VALUE holds; repeat to AND several. Fields: account, machine (=, !=, ~ contains); "
                + "bytes (1G); snapshots, open-uploads, conflicts, damaged-hives (counts); last-commit, upload-age (ages: 30m, 12h, 7d)",
            HelpName = "FIELD OP VALUE",
        };
        var sort = new Option<string>("--sort") { Description = "account (default), size (largest first) or last-commit (newest first)", HelpName = "ORDER", DefaultValueFactory = _ => "account" };
        var pageSize = new Option<int>("--page-size") { Description = $"Profiles per page, 1 to {ProfileDirectoryQuery.MaxPageSize}", DefaultValueFactory = _ => ProfileDirectoryQuery.DefaultPageSize, HelpName = "N" };
        var page = new Option<string>("--page") { Description = "The token the previous page printed, for the next page of the same query", HelpName = "TOKEN" };
        var days = new Option<int>("--days") { Description = "Count conflicts and refused damaged hives over this many days", DefaultValueFactory = _ => ProfileDirectoryQuery.DefaultDays, HelpName = "N" };
        var command = new Command("list", "List every profile: account, current snapshot, bytes, last commit and machine, open uploads, conflicts and refused damaged hives")
        {
            filter, sort, pageSize, page, days,
        };
        command.SetAction((parse, ct) => AgentRun.RunAsync(parse, async run =>
        {
            var order = parse.GetValue(sort) switch
            {
                "account" => ProfileSort.Account,
                "size" => ProfileSort.Size,
                "last-commit" => ProfileSort.LastCommit,
                var other => throw new ArgumentException($"--sort must be account, size or last-commit, not \"{other}\"."),
            };
            var query = new ProfileDirectoryQuery([.. parse.GetValue(filter) ?? []], order, parse.GetValue(pageSize), parse.GetValue(page), parse.GetValue(days));
            var result = await run.Store.CallAsync(f => f.GetGrain<IProfileDirectoryGrain>(0).List(query), ct);
            run.Output.Result(result, Describe(result, DateTimeOffset.UtcNow));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Delete()
    {
        var confirm = new Option<string>("--confirm") { Description = "The account again, to confirm", Required = true, HelpName = "ACCOUNT" };
        var force = new Option<bool>("--force") { Description = "Delete even while uploads are open (a logoff may be pushing)" };
        var command = new Command("delete", "Remove a leaver's profile: every snapshot, pack, manifest, staged upload and its state; run again to finish one cut short")
        {
            AgentOptions.User, confirm, force,
        };
        command.SetAction((parse, ct) => AgentRun.RunAsync(parse, async (run, profile) =>
        {
            var confirmed = parse.GetRequiredValue(confirm);
            if (!ProfileKey.TryParse(confirmed, out var key) || key != profile)
            {
                throw new ArgumentException($"--confirm \"{confirmed}\" does not name {profile}: nothing was deleted.");
            }

            var result = await run.Store.CallAsync(f => f.GetProfile(profile).Delete(confirmed, parse.GetValue(force)), ct);
            run.Output.Result(result, $"{result.Profile}: deleted ({result.ItemsDeleted} stored item(s){(result.Resumed ? ", finishing an earlier delete" : "")})");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Quota()
    {
        var bytes = new Option<string>("--bytes") { Description = "The profile's quota: bytes, or a number with K, M, G or T; 0 for none", HelpName = "SIZE" };
        var clear = new Option<bool>("--clear") { Description = "Use the store's quota for this profile again" };
        var command = new Command("quota", "Set one profile's quota (its snapshots in history plus a new one), overriding the store's") { AgentOptions.User, bytes, clear };
        command.SetAction((parse, ct) => AgentRun.RunAsync(parse, async (run, profile) =>
        {
            long? quota = (parse.GetValue(bytes), parse.GetValue(clear)) switch
            {
                ({ } size, false) => ParseSize(size),
                (null, true) => null,
                _ => throw new ArgumentException("Give either --bytes SIZE or --clear."),
            };
            var result = await run.Store.CallAsync(f => f.GetProfile(profile).SetQuota(quota), ct);
            run.Output.Result(result, $"{result.Account}: quota {(result.QuotaBytes is { } q ? q == 0 ? "none" : ConsoleOutput.Size(q) : "the store's")}, {ConsoleOutput.Size(result.RetainedBytes)} retained");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Audit()
    {
        var last = new Option<int>("--last") { Description = "How many of the newest entries", DefaultValueFactory = _ => 100, HelpName = "N" };
        var command = new Command("audit", "Show the record of administrative actions: who (the token's subject), what, on which profile, when") { last };
        command.SetAction((parse, ct) => AgentRun.RunAsync(parse, async run =>
        {
            var entries = await run.Store.CallAsync(f => f.GetGrain<IAuditLogGrain>(0).GetEntries(parse.GetValue(last)), ct);
            run.Output.Result(entries, entries.IsEmpty
                ? "no administrative action recorded"
                : string.Join('\n', entries.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.At:yyyy-MM-dd HH:mm:ss}Z  {e.Subject}  {e.Action} {e.Profile} ({e.Detail}): {e.Outcome}"))));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static long ParseSize(string value)
    {
        var unit = value.Length > 0 ? char.ToUpperInvariant(value[^1]) : ' ';
        var shift = unit switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
        return long.TryParse(shift == 0 ? value : value[..^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && Math.Abs(n) <= long.MaxValue >> shift
            ? n << shift
            : throw new ArgumentException($"--bytes \"{value}\" is not a size (bytes, or a number with K, M, G or T).");
    }

    private static string Describe(ProfileDirectoryPage page, DateTimeOffset now)
    {
        var text = new StringBuilder();
        foreach (var p in page.Profiles)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.Account}  snapshot {p.Current}  {ConsoleOutput.Size(p.RetainedBytes)}");
            text.Append(p.LastCommitAt is { } at ? string.Create(CultureInfo.InvariantCulture, $"  last commit {at:yyyy-MM-dd HH:mm}Z from {p.LastMachine}") : "  never committed");
            foreach (var upload in p.OpenUploads)
            {
                text.Append(CultureInfo.InvariantCulture, $"  UPLOAD OPEN from {upload.Machine} for {(now - upload.StartedAt).TotalHours:0.#} h");
            }

            if (p.Conflicts.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {p.Conflicts.Length} CONFLICT(S)");
            }

            if (p.DamagedHives.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {p.DamagedHives.Length} DAMAGED HIVE(S) refused, last from {p.DamagedHives[^1].Machine}");
            }

            if (p.Deleting)
            {
                text.Append("  BEING DELETED");
            }

            text.Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"{page.Profiles.Length} of {page.Matching} profile(s)");
        if (page.NextPageToken is { } next)
        {
            text.Append(CultureInfo.InvariantCulture, $"; next page: --page {next}");
        }

        return text.ToString();
    }
}
