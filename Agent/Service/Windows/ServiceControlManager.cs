using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.ServiceProcess;

namespace Orleans.Profiles.Agent.Service.Windows;

/// <summary>
/// Registers the service with <c>sc.exe create</c> (what administrators know and can repeat by hand), then sets its
/// description, restart on failure and pre-shutdown timeout (which sc.exe has no verb for) with <c>ChangeServiceConfig2</c>.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed partial class ServiceControlManager : IServiceRegistrar
{
    private const string Name = AgentServiceOptions.ServiceName;

    public IReadOnlyList<string> Install(string commandLine, TimeSpan preshutdownTimeout)
    {
        // Installing again keeps the registration (a restart of the service reads the new configuration).
        if (State() is null)
        {
            Sc("create", Name, "binPath=", commandLine, "start=", "auto", "obj=", "LocalSystem", "DisplayName=", AgentServiceOptions.DisplayName);
        }

        var warnings = Configure(preshutdownTimeout);
        if (!EventLog.SourceExists(AgentServiceOptions.EventLogSource))
        {
            EventLog.CreateEventSource(AgentServiceOptions.EventLogSource, "Application");
        }

        return warnings;
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

    /// <summary>The description, restart on failure (also on a non-zero exit), and the pre-shutdown timeout.</summary>
    private static List<string> Configure(TimeSpan preshutdownTimeout)
    {
        var warnings = new List<string>();
        var manager = OpenSCManagerW(null, null, ScManagerConnect);
        if (manager == IntPtr.Zero)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "the service control manager could not be opened");
        }

        var service = OpenServiceW(manager, Name, ServiceChangeConfig | ServiceStart);
        var memory = new List<IntPtr>();
        try
        {
            if (service == IntPtr.Zero)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), $"{Name} could not be opened");
            }

            // SERVICE_DESCRIPTION holds a pointer to the text.
            var description = Block(memory, Marshal.AllocHGlobal(IntPtr.Size));
            Marshal.WriteIntPtr(description, Block(memory, Marshal.StringToHGlobalUni(Description)));
            Change(service, ServiceConfigDescription, description);

            // Restart after 1 minute, twice, then after 5 minutes; the failure count resets after a day.
            int[] actions = [RestartAction, 60_000, RestartAction, 60_000, RestartAction, 300_000];
            var actionBlock = Block(memory, Marshal.AllocHGlobal(actions.Length * sizeof(int)));
            Marshal.Copy(actions, 0, actionBlock, actions.Length);
            var failure = Block(memory, Marshal.AllocHGlobal((2 * sizeof(int)) + (3 * IntPtr.Size) + IntPtr.Size));
            Marshal.StructureToPtr(new FailureActions { ResetPeriod = 86_400, Actions = actions.Length / 2, ActionList = actionBlock }, failure, fDeleteOld: false);
            Change(service, ServiceConfigFailureActions, failure);
            // Older service control managers (and Wine's) lack these two: the service still works, with their defaults.
            if (!ChangeServiceConfig2W(service, ServiceConfigFailureActionsFlag, Block(memory, Int(1))))
            {
                warnings.Add($"a failure that exits with an error code will not restart the service (error {Marshal.GetLastPInvokeError()}); a crash will");
            }

            if (!ChangeServiceConfig2W(service, ServiceConfigPreshutdownInfo, Block(memory, Int((int)Math.Min(int.MaxValue, preshutdownTimeout.TotalMilliseconds)))))
            {
                warnings.Add($"the pre-shutdown timeout stays at this system's default (error {Marshal.GetLastPInvokeError()})");
            }

            return warnings;
        }
        finally
        {
            memory.ForEach(Marshal.FreeHGlobal);
            if (service != IntPtr.Zero)
            {
                CloseServiceHandle(service);
            }

            CloseServiceHandle(manager);
        }
    }

    private static void Change(IntPtr service, uint level, IntPtr info)
    {
        if (!ChangeServiceConfig2W(service, level, info))
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"{Name}: setting {level} of the service could not be changed");
        }
    }

    private static IntPtr Block(List<IntPtr> memory, IntPtr block)
    {
        memory.Add(block);
        return block;
    }

    private static IntPtr Int(int value)
    {
        var block = Marshal.AllocHGlobal(sizeof(int));
        Marshal.WriteInt32(block, value);
        return block;
    }

    private const string Description = "Pushes roaming profiles to the Orleans.Profiles store at logoff once the hive is unloaded, and sweeps for changes.";

    [StructLayout(LayoutKind.Sequential)]
    private struct FailureActions
    {
        public int ResetPeriod;
        public IntPtr RebootMessage;
        public IntPtr Command;
        public int Actions;
        public IntPtr ActionList;
    }

    private const int RestartAction = 1;
    private const uint ServiceConfigDescription = 1;
    private const uint ServiceConfigFailureActions = 2;
    private const uint ServiceConfigFailureActionsFlag = 4;
    private const uint ServiceStart = 0x0010;
    private const uint ScManagerConnect = 0x0001;
    private const uint ServiceChangeConfig = 0x0002;
    private const uint ServiceConfigPreshutdownInfo = 7;

    [LibraryImport("advapi32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial IntPtr OpenSCManagerW(string? machine, string? database, uint access);

    [LibraryImport("advapi32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial IntPtr OpenServiceW(IntPtr manager, string name, uint access);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool ChangeServiceConfig2W(IntPtr service, uint level, IntPtr info);

    [LibraryImport("advapi32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseServiceHandle(IntPtr handle);
}
