using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Profiles.Agent.Service.Windows;
using Orleans.Profiles.Sync;

namespace Orleans.Profiles.Agent.Service;

/// <summary>What <c>service status</c> shows: the service's state and, for each roaming user, the last push, last pull and anything pending.</summary>
public sealed record ServiceStatusReport(string Service, string Machine, IReadOnlyList<ServiceStatusReport.User> Users)
{
    /// <param name="StoreSnapshot">The store's current snapshot when last told or asked.</param>
    /// <param name="CommitToCurrent">For the last pre-fetch: from the other machine's commit to the files being current here.</param>
    /// <param name="SubscribedSilo">The silo holding the commit subscription when last renewed (<see cref="SubscribedAt"/>).</param>
    public sealed record User(
        string Account,
        string Folder,
        DateTimeOffset? LastPush,
        int? LastPushSnapshot,
        DateTimeOffset? LastPull,
        int? LastPullSnapshot,
        string? Pending,
        int? StoreSnapshot = null,
        TimeSpan? CommitToCurrent = null,
        string? SubscribedSilo = null,
        DateTimeOffset? SubscribedAt = null,
        string? StaleLogon = null);

    public static async Task<ServiceStatusReport> ReadAsync(AgentServiceOptions options, string? serviceState, CancellationToken cancellationToken)
    {
        IProfileList profileList = OperatingSystem.IsWindows() ? new WindowsProfileList() : new NoProfileList();
        var users = new RoamingUsers(Options.Create(options), profileList, NullLogger<RoamingUsers>.Instance).Resolve();
        var activity = new ServiceActivity(AgentServicePaths.ActivityFile(options.StateDirectory)).Read();
        var state = new SyncStateStore(options.StateDirectory);
        var filter = ProfileFilter.Create(options.Exclude, options.Include);
        var rows = new List<User>();
        foreach (var user in users)
        {
            var done = activity.GetValueOrDefault(user.Account.Value);
            var pending = done?.Pending
                ?? (await LocalChanges.SinceLastSyncAsync(state, user.Account, user.Folder, filter, cancellationToken) ? "changes not pushed yet" : null);
            rows.Add(new User(user.Account.Value, user.Folder, done?.LastPush, done?.LastPushSnapshot, done?.LastPull, done?.LastPullSnapshot, pending,
                done?.StoreSnapshot, done?.CommitToCurrent, done?.SubscribedSilo, done?.SubscribedAt, done?.StaleLogon));
        }

        return new ServiceStatusReport(serviceState ?? "not installed", options.Machine, rows);
    }

    public string ToText()
    {
        var text = new StringBuilder($"{AgentServiceOptions.ServiceName} on {Machine}: {Service}, {Users.Count} roaming user(s)");
        foreach (var user in Users)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture,
                $"  {user.Account} ({user.Folder}): last push {When(user.LastPush, user.LastPushSnapshot)}, last pull {When(user.LastPull, user.LastPullSnapshot)}{Lag(user.CommitToCurrent)}, store at snapshot {user.StoreSnapshot?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, pending: {user.Pending ?? "nothing"}");
            text.AppendLine().Append(CultureInfo.InvariantCulture,
                $"    commit notifications: {(user.SubscribedAt is { } at ? $"subscribed on silo {user.SubscribedSilo}, renewed {at.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : "not subscribed")}");
            if (user.StaleLogon is { } stale)
            {
                text.AppendLine().Append(CultureInfo.InvariantCulture, $"    warning: {stale}");
            }
        }

        return text.ToString();
    }

    private static string Lag(TimeSpan? lag)
        => lag is { } l ? string.Create(CultureInfo.InvariantCulture, $" ({l.TotalSeconds:0.0} s after its commit)") : "";

    private static string When(DateTimeOffset? at, int? snapshot)
        => at is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t.ToLocalTime():yyyy-MM-dd HH:mm:ss} (snapshot {snapshot})") : "never";
}
