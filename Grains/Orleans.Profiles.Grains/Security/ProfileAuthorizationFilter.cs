using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Security;

/// <summary>
/// Authorises every call to a profile grain, deny by default: a method must carry a
/// <see cref="ProfileAccessAttribute"/>, and, once authentication is configured, a valid token must
/// name the profile's own user (case-insensitively, domain-qualified), carry the admin role, or be a
/// machine token listing the profile's user, where the method allows it. A refused call never
/// reaches the grain, so it changes nothing; its log line says why (naming the machine of a machine token).
/// </summary>
public sealed partial class ProfileAuthorizationFilter(
    IOptions<ProfileAuthenticationOptions> options,
    IServiceProvider services,
    ILogger<ProfileAuthorizationFilter> logger) : IIncomingGrainCallFilter
{
    private readonly bool _required = options.Value.IsConfigured;
    private ProfileTokenValidator? _validator;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType is not { } contract || !typeof(IProfileContract).IsAssignableFrom(contract))
        {
            await context.Invoke();
            return;
        }

        var access = context.InterfaceMethod.GetCustomAttribute<ProfileAccessAttribute>()?.Access ?? ProfileAccess.None;
        if (access == ProfileAccess.None)
        {
            throw Deny(context, "the method has no access policy");
        }

        // A grain-to-grain call from inside the cluster (the directory's own bookkeeping); a client never passes here.
        if (access.HasFlag(ProfileAccess.Silo) && context.SourceId is { } source && !source.IsClient())
        {
            await context.Invoke();
            return;
        }

        if (access == ProfileAccess.Silo)
        {
            throw Deny(context, $"only the store's own grains may call {context.InterfaceMethod.Name}");
        }

        RequestContext.Set(ProfileTokens.CallerContextKey, AnonymousCaller);
        if (_required)
        {
            var token = RequestContext.Get(ProfileTokens.RequestContextKey) as string;
            _validator ??= services.GetRequiredService<ProfileTokenValidator>();
            CallerIdentity caller;
            try
            {
                caller = await _validator.ValidateAsync(token);
            }
            catch (NotAuthorizedException ex)
            {
                LogDenied(logger, context.TargetId, context.InterfaceMethod.Name, ex.Reason);
                throw;
            }

            RequestContext.Set(ProfileTokens.CallerContextKey, caller.Machine is { } m ? ProfileTokens.MachineSubject(m) : caller.Profile?.Value ?? "(a token without an account)");

            var profile = ProfileKey.TryParse(context.TargetId.Key.ToString(), out var key) ? key : (ProfileKey?)null;
            var isOwner = caller.Profile is { } own && profile is { } target && own == target;
            var isMachineUser = profile is { } served && caller.MachineProfiles.Contains(served);
            if (!(access.HasFlag(ProfileAccess.Owner) && isOwner)
                && !(access.HasFlag(ProfileAccess.Admin) && caller.IsAdmin)
                && !(access.HasFlag(ProfileAccess.Machine) && isMachineUser))
            {
                var method = context.InterfaceMethod.Name;
                throw Deny(context, caller switch
                {
                    { Machine: { } machine } when !isMachineUser => $"the machine token for {machine} does not list this profile among its users",
                    { Machine: { } machine } => $"the machine token for {machine} may not call {method}",
                    { IsAdmin: true } => $"an administrator may not call {method}",
                    _ => $"the token's user may not call {method} on this profile",
                });
            }
        }

        await context.Invoke();
    }

    /// <summary>Who the audit log names when authentication is off (loopback only).</summary>
    public const string AnonymousCaller = "(authentication off)";

    private NotAuthorizedException Deny(IIncomingGrainCallContext context, string reason)
    {
        LogDenied(logger, context.TargetId, context.InterfaceMethod!.Name, reason);
        return new NotAuthorizedException(reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied {Method} on {Target}: {Reason}")]
    private static partial void LogDenied(ILogger logger, GrainId target, string method, string reason);
}
