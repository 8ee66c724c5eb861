using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.ServiceProcess;

namespace Orleans.Profiles.Agent.Service.Windows;

/// <summary>
/// Registers the service with <c>sc.exe</c> (what administrators know and can repeat by hand), and sets the
/// pre-shutdown timeout, which sc.exe has no verb for, through <c>ChangeServiceConfig2</c>.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed partial class ServiceControlManager : IServiceRegistrar
{
    private const string Name = AgentServiceOptions.ServiceName;

    public void Install(string commandLine, TimeSpan preshutdownTimeout)
    {
        Sc("create", Name, "binPath=", commandLine, "start=", "auto", "obj=", "LocalSystem", "DisplayName=", AgentServiceOptions.DisplayName);
        Sc("description", Name, "Pushes roaming profiles to the Orleans.Profiles store at logoff, once the hive is unloaded, and sweeps for changes.");
        // Restart after 1 minute, twice, then after 5 minutes; the failure count resets after a day.
        Sc("failure", Name, "reset=", "86400", "actions=", "restart/60000/restart/60000/restart/300000");
        SetPreshutdownTimeout(preshutdownTimeout);
        if (!EventLog.SourceExists(AgentServiceOptions.EventLogSource))
        {
            EventLog.CreateEventSource(AgentServiceOptions.EventLogSource, "Application");
        }
    }

    public bool Uninstall()
    {
        if (State() is not { } state)
        {
            return false;
        }

        if (state != nameof(ServiceControllerStatus.Stopped))
        {
            using var service = new ServiceController(Name);
            service.Stop();
            service.WaitForStatus(ServiceControllerStatus.Stopped, TimeSpan.FromMinutes(3));
        }

        Sc("delete", Name);
        if (EventLog.SourceExists(AgentServiceOptions.EventLogSource))
        {
            EventLog.DeleteEventSource(AgentServiceOptions.EventLogSource);
        }

        return true;
    }

    public string? State()
    {
        using var service = ServiceController.GetServices().FirstOrDefault(s => s.ServiceName.Equals(Name, StringComparison.OrdinalIgnoreCase));
        return service?.Status.ToString();
    }

    private static void Sc(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(Environment.SystemDirectory, "sc.exe")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var sc = Process.Start(start) ?? throw new InvalidOperationException("sc.exe did not start.");
        var output = sc.StandardOutput.ReadToEnd() + sc.StandardError.ReadToEnd();
        sc.WaitForExit();
        if (sc.ExitCode != 0)
        {
            throw new ServiceRegistrationException($"sc {arguments[0]} {Name} failed (exit {sc.ExitCode}): {output.Trim()}");
        }
    }

    private static void SetPreshutdownTimeout(TimeSpan timeout)
    {
        var manager = OpenSCManagerW(null, null, ScManagerConnect);
        if (manager == IntPtr.Zero)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "the service control manager could not be opened");
        }

        try
        {
            var service = OpenServiceW(manager, Name, ServiceChangeConfig);
            if (service == IntPtr.Zero)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), $"{Name} could not be opened");
            }

            try
            {
                var info = (uint)Math.Min(uint.MaxValue, timeout.TotalMilliseconds);
                if (!ChangeServiceConfig2W(service, ServiceConfigPreshutdownInfo, ref info))
                {
                    throw new Win32Exception(Marshal.GetLastPInvokeError(), "the pre-shutdown timeout could not be set");
                }
            }
            finally
            {
                CloseServiceHandle(service);
            }
        }
        finally
        {
            CloseServiceHandle(manager);
        }
    }

    private const uint ScManagerConnect = 0x0001;
    private const uint ServiceChangeConfig = 0x0002;
    private const uint ServiceConfigPreshutdownInfo = 7;

    [LibraryImport("advapi32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial IntPtr OpenSCManagerW(string? machine, string? database, uint access);

    [LibraryImport("advapi32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial IntPtr OpenServiceW(IntPtr manager, string name, uint access);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool ChangeServiceConfig2W(IntPtr service, uint level, ref uint preshutdownTimeout);

    [LibraryImport("advapi32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseServiceHandle(IntPtr handle);
}
