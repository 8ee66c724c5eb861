using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>A simulated workstation: a profile folder and the agent's own state folder.</summary>
public sealed class Workstation : IDisposable
{
    private readonly TempDirectory _root;

    public Workstation(string name, params string[] gateways)
    {
        Name = name;
        _root = new TempDirectory($"ws-{name}");
        Profile = _root.Combine("profile");
        Directory.CreateDirectory(Profile);
        Agent = new AgentRunner(_root.Combine("agent-state"), gateways);
    }

    public string Name { get; }

    /// <summary>The local profile folder.</summary>
    public string Profile { get; }

    public AgentRunner Agent { get; }

    public string PathOf(string relative) => Path.Combine([Profile, .. relative.Split('\\')]);

    public void Write(string relative, byte[] content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    public byte[] Read(string relative) => File.ReadAllBytes(PathOf(relative));

    /// <summary>Every file of the profile folder with its bytes, keyed by its path with '\' separators.</summary>
    public IReadOnlyDictionary<string, byte[]> Snapshot()
        => Directory.EnumerateFiles(Profile, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Profile, f).Replace(Path.DirectorySeparatorChar, '\\'), File.ReadAllBytes);

    public void Dispose() => _root.Dispose();
}
