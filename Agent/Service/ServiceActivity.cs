using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.Profiles.Agent.Service;

/// <summary>
/// The service's record of each user's last push, last pull and anything pending, in one small JSON file
/// replaced atomically, so <c>service status</c> (another process) reads it and a restart keeps it.
/// </summary>
public sealed class ServiceActivity(string file)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
    private readonly SemaphoreSlim _one = new(1, 1);

    public string File { get; } = file;

    public IReadOnlyDictionary<string, UserActivity> Read()
    {
        try
        {
            var users = JsonSerializer.Deserialize<UserActivity[]>(System.IO.File.ReadAllBytes(File), Json) ?? [];
            return users.ToDictionary(u => u.Account, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new Dictionary<string, UserActivity>(StringComparer.Ordinal);
        }
    }

    public Task PushedAsync(RoamingUser user, int snapshot, PushReason reason, DateTimeOffset at)
        => UpdateAsync(user, a => a with { LastPush = at, LastPushSnapshot = snapshot, LastPushReason = reason, Pending = null, StaleLogon = null });

    public Task PulledAsync(RoamingUser user, int snapshot, DateTimeOffset at, TimeSpan commitToCurrent)
        => UpdateAsync(user, a => a with { LastPull = at, LastPullSnapshot = snapshot, StoreSnapshot = Math.Max(snapshot, a.StoreSnapshot ?? 0), CommitToCurrent = commitToCurrent, Pending = null, StaleLogon = null });

    public Task StoreSnapshotAsync(RoamingUser user, int snapshot)
        => UpdateAsync(user, a => a.StoreSnapshot == snapshot ? a : a with { StoreSnapshot = snapshot });

    public Task SubscribedAsync(RoamingUser user, string silo, DateTimeOffset at)
        => UpdateAsync(user, a => a with { SubscribedSilo = silo, SubscribedAt = at });

    public Task StaleLogonAsync(RoamingUser user, string what) => UpdateAsync(user, a => a with { StaleLogon = what });

    public Task PendingAsync(RoamingUser user, string why) => UpdateAsync(user, a => a with { Pending = why });

    private async Task UpdateAsync(RoamingUser user, Func<UserActivity, UserActivity> change)
    {
        await _one.WaitAsync();
        try
        {
            var users = new Dictionary<string, UserActivity>(Read(), StringComparer.Ordinal);
            users[user.Account.Value] = change(users.GetValueOrDefault(user.Account.Value) ?? new UserActivity(user.Account.Value));
            await AtomicFile.WriteAllBytesAsync(File, JsonSerializer.SerializeToUtf8Bytes(users.Values.OrderBy(u => u.Account, StringComparer.Ordinal).ToArray(), Json));
        }
        finally
        {
            _one.Release();
        }
    }
}
