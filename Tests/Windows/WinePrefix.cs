using Orleans.Profiles.Tests.EndToEnd;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Windows;

/// <summary>
/// A fresh Windows machine for one test: a Wine prefix (its C: drive, registry and services) in a temporary folder,
/// made with <c>wine wineboot --init</c> and removed with everything in it on dispose. Wine ends a prefix's services
/// when its last ordinary process exits, so one stays alive for the prefix's lifetime: a <c>cmd</c> reading the
/// test's open standard input, which also ends it should the test host die.
/// </summary>
public sealed class WinePrefix : IAsyncDisposable
{
    /// <summary>How long one program may run under Wine before it is killed.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private readonly TempDirectory _folder = new("wine");
    private ChildProcess? _keepAlive;

    private WinePrefix()
    {
        Root = _folder.Combine("prefix");
        var temp = Directory.CreateDirectory(_folder.Combine("tmp")).FullName;
        Environment = new Dictionary<string, string>
        {
            ["WINEPREFIX"] = Root,
            // Debian's wineserver makes its socket folder there and leaves it behind: so inside the prefix's folder.
            ["TMPDIR"] = temp,
            ["WINEDEBUG"] = "-all",
            ["DOTNET_EnableWriteXorExecute"] = WriteXorExecute,
            // No debugger: a crashed program exits with an error at once instead of dumping its stack for seconds.
            // No Gecko (Internet Explorer's engine): Debian does not ship it and nothing here needs it.
            ["WINEDLLOVERRIDES"] = "winedbg.exe=d;mshtml=d",
        };
    }

    /// <summary>The prefix folder (WINEPREFIX): <c>drive_c</c> is C:.</summary>
    public string Root { get; }

    /// <summary>What every Wine process of this prefix runs with.</summary>
    /// <summary>
    /// CoreCLR's W^X (executable memory mapped twice) breaks under Wine 8 when a collected dynamic method's code is
    /// freed: the process dies with "Internal CLR error" in DynamicResolver.DestroyScout.Finalize, often minutes into
    /// a service's life. Windows is not affected; the prefix's programs and services run without W^X.
    /// </summary>
    private const string WriteXorExecute = "0";

    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Makes the prefix (about 10 s) and starts the process that keeps its services alive.</summary>
    public static async Task<WinePrefix> CreateAsync()
    {
        var prefix = new WinePrefix();
        try
        {
            // wineboot returns before the prefix is complete; the services it starts hold its output open until
            // they are done and have exited, and the run ends only then.
            var boot = await prefix.RunAsync("wineboot", "--init");
            if (boot.ExitCode != 0)
            {
                throw new InvalidOperationException($"wine wineboot --init failed: {boot}");
            }

            // Services get the machine's environment, not the one wine was started with.
            var environment = await prefix.RunAsync("reg", "add", @"HKLM\System\CurrentControlSet\Control\Session Manager\Environment",
                "/v", "DOTNET_EnableWriteXorExecute", "/t", "REG_SZ", "/d", WriteXorExecute, "/f");
            if (environment.ExitCode != 0)
            {
                throw new InvalidOperationException($"wine reg add failed: {environment}");
            }

            prefix._keepAlive = ChildProcess.StartProgram("wine", ["cmd", "/k", "echo ready"], environment: prefix.Environment);
            await prefix._keepAlive.WaitForLineAsync(line => line.Trim() == "ready", "the Wine prefix's keep-alive cmd");
            return prefix;
        }
        catch
        {
            await prefix.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>wine</c> with these arguments (a program, Windows or Linux path, then its own) and waits for it.</summary>
    public async Task<WineResult> RunAsync(params string[] args)
    {
        await using var process = ChildProcess.StartProgram("wine", args, environment: Environment);
        var exitCode = await process.WaitForExitAsync(RunTimeout);
        return new WineResult(exitCode, process.StandardOutput, process.StandardError);
    }

    /// <summary>
    /// The Linux path of a Windows path such as <c>C:\users\alice\NTUSER.DAT</c>: the drive's folder, then each part
    /// matched to an existing entry regardless of case, as Wine does; parts that do not exist yet are kept as given.
    /// </summary>
    public string LinuxPath(string windowsPath)
    {
        ArgumentNullException.ThrowIfNull(windowsPath);
        if (windowsPath.Length < 2 || !char.IsAsciiLetter(windowsPath[0]) || windowsPath[1] != ':' || (windowsPath.Length > 2 && windowsPath[2] != '\\'))
        {
            throw new ArgumentException($"Not an absolute Windows path: {windowsPath}", nameof(windowsPath));
        }

        var drive = new DirectoryInfo(Path.Combine(Root, "dosdevices", $"{char.ToLowerInvariant(windowsPath[0])}:"));
        var path = drive.ResolveLinkTarget(returnFinalTarget: true)?.FullName
            ?? throw new DirectoryNotFoundException($"The prefix has no drive {windowsPath[..2]}.");
        foreach (var part in windowsPath[2..].Split('\\', StringSplitOptions.RemoveEmptyEntries))
        {
            var existing = Directory.Exists(path)
                ? Directory.EnumerateFileSystemEntries(path).FirstOrDefault(e => string.Equals(Path.GetFileName(e), part, StringComparison.OrdinalIgnoreCase))
                : null;
            path = existing ?? Path.Combine(path, part);
        }

        return path;
    }

    /// <summary>Writes a file at a Windows path of this machine (<c>C:\users\alice\NTUSER.DAT</c>), making its folders.</summary>
    public void Write(string windowsPath, byte[] content)
    {
        var path = LinuxPath(windowsPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    /// <summary>Ends every process of this prefix (and of no other) with <c>wineserver -k</c>, then deletes it.</summary>
    /// <summary>The installed service's activity record (what <c>service status</c> reads).</summary>
    public string ServiceActivityFile => Path.Combine(LinuxPath(@"C:\ProgramData"), "Orleans.Profiles", "state", "service-activity.json");

    /// <summary>The installed service's rolling log files, joined, for a test's failure message.</summary>
    public string ServiceLog()
    {
        var logs = Path.Combine(LinuxPath(@"C:\ProgramData"), "Orleans.Profiles", "logs");
        return Directory.Exists(logs) ? string.Join("\n", Directory.GetFiles(logs).Select(File.ReadAllText)) : "(no log yet)";
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(Root))
        {
            await using var kill = ChildProcess.StartProgram("wineserver", ["-k"], environment: Environment);
            await kill.WaitForExitAsync(RunTimeout);
        }

        if (_keepAlive is not null)
        {
            await _keepAlive.DisposeAsync();
        }

        // The prefix links its users' folders to $HOME and Z: to /: the delete removes links, never what they point to.
        _folder.Dispose();
    }
}
