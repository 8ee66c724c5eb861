using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>Where the built silo and agent are, and free loopback ports for them.</summary>
public static class Programs
{
    public static string SiloPath => Metadata("SiloPath");

    public static string AgentPath => Metadata("AgentPath");

    /// <summary>Where ./test.sh publishes the agent for Windows (win-x64, folder layout); it may not be there yet.</summary>
    public static string WindowsAgentFolder => Path.GetFullPath(Value("WindowsAgentFolder"));

    /// <summary>The build configuration of the tests (Release, Debug), and so of the programs they run.</summary>
    public static string Configuration => Value("Configuration");

    /// <summary>The repository root: the folder of Orleans.Profiles.sln above the test assembly.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Orleans.Profiles.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("Orleans.Profiles.sln is not above the test assembly.");
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Metadata(string key)
    {
        var path = Value(key);
        return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException($"{key} is not built: {path}");
    }

    private static string Value(string key)
        => typeof(Programs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
