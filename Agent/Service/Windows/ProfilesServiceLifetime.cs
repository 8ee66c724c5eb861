using System.Reflection;
using System.Runtime.Versioning;
using System.ServiceProcess;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.WindowsServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Profiles.Agent.Service.Windows;

/// <summary>
/// The service's lifetime under the service control manager: it also takes session changes (logons are
/// handed to <see cref="SessionTracker"/>) and the pre-shutdown
/// notification, which gives a push in flight the pre-shutdown timeout instead of the few seconds of a shutdown.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class ProfilesServiceLifetime : WindowsServiceLifetime
{
    // winsvc.h: SERVICE_ACCEPT_PRESHUTDOWN and SERVICE_CONTROL_PRESHUTDOWN. ServiceBase has no property for them;
    // an unknown control reaches OnCustomCommand.
    public const int AcceptPreshutdown = 0x100;
    public const int ControlPreshutdown = 0x0F;

    private readonly SessionTracker _sessions;
    private readonly ILogger _logger;

    public ProfilesServiceLifetime(
        IHostEnvironment environment,
        IHostApplicationLifetime applicationLifetime,
        ILoggerFactory loggerFactory,
        IOptions<HostOptions> hostOptions,
        IOptions<WindowsServiceLifetimeOptions> serviceOptions,
        SessionTracker sessions)
        : base(environment, applicationLifetime, loggerFactory, hostOptions, serviceOptions)
    {
        _sessions = sessions;
        _logger = loggerFactory.CreateLogger<ProfilesServiceLifetime>();
        CanHandleSessionChangeEvent = true;
        CanShutdown = true;
        AcceptsPreshutdown = TryAcceptPreshutdown(this);
    }

    /// <summary>Whether the pre-shutdown control was accepted (the runtime's ServiceBase keeps the accepted controls in a private field).</summary>
    public bool AcceptsPreshutdown { get; }

    /// <summary>The field of <see cref="ServiceBase"/> that holds the accepted controls; null if a runtime renamed it.</summary>
    public static FieldInfo? AcceptedCommandsField { get; } = typeof(ServiceBase).GetField("_acceptedCommands", BindingFlags.Instance | BindingFlags.NonPublic);

    protected override void OnSessionChange(SessionChangeDescription changeDescription)
    {
        if (changeDescription.Reason == SessionChangeReason.SessionLogon)
        {
            _sessions.LoggedOn(changeDescription.SessionId);
        }
        else if (changeDescription.Reason == SessionChangeReason.SessionLogoff)
        {
            _sessions.LoggedOff(changeDescription.SessionId);
        }

        base.OnSessionChange(changeDescription);
    }

    protected override void OnCustomCommand(int command)
    {
        if (command == ControlPreshutdown)
        {
            ServiceLog.Preshutdown(_logger);
            Stop();
            return;
        }

        base.OnCustomCommand(command);
    }

    private static bool TryAcceptPreshutdown(ServiceBase service)
    {
        if (AcceptedCommandsField?.GetValue(service) is not int accepted)
        {
            return false;
        }

        AcceptedCommandsField.SetValue(service, accepted | AcceptPreshutdown);
        return true;
    }
}
