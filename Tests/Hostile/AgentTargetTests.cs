using FsCheck;
using FsCheck.Fluent;
using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;
using Xunit.Abstractions;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>
/// The agent never writes outside <c>--path</c>, whatever manifest it is given (a damaged or hostile
/// store, a tampered snapshot). The store refuses such paths at begin, so a real pull never carries
/// one: these tests give the agent's own resolution (<see cref="ProfileSyncClient.ResolveTargets"/>,
/// <see cref="ProfilePath.ToLocal"/>) the manifests directly. No cluster, no network.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class AgentTargetTests(ITestOutputHelper output) : IDisposable
{
    private static readonly char Separator = Path.DirectorySeparatorChar;
    private readonly TempDirectory _sandbox = new("agent-targets");

    private string Root => _sandbox.Combine("profile");

    /// <summary>Pieces of paths that have escaped folders somewhere: traversal, both separators, drives, streams, device names, look-alike slashes and dots.</summary>
    private static readonly string[] Pieces =
    [
        "..", ".", "\\", "\\", "/", ":", "a", "b.txt", "NTUSER.DAT", "CON", "nul.txt", " ", "~", "\0", "\t", "é", "%2e%2e", "%2f", "…",
        "\u2215", "\uFF0F", "\uFF3C", "\u2024", "\u2025", "C:", "\\\\?\\", "\\\\.\\", "::$DATA", "*", "?", "$HOME", "..\\..\\..\\etc\\passwd", "/etc/passwd",
    ];

    private static Gen<string> AnyPath => Gen.Elements(Pieces).ArrayOf().Select(p => string.Concat(p.Take(12)));

    private static ProfileManifest Manifest(params string[] paths)
        => new([.. paths.Select((p, i) => G.File(p, 10, 4096, i))], []);

    [Fact]
    public async Task A_manifest_with_a_path_that_could_leave_the_folder_is_refused_before_any_target_is_chosen()
    {
        Directory.CreateDirectory(Root);
        var before = _sandbox.Files();
        var gen = from bad in BadPath.Any
                  from good in G.ValidPath.ArrayOf().Select(p => p.Take(4).ToArray())
                  from at in Gen.Choose(0, 4)
                  let i = Math.Min(at, good.Length)
                  let paths = (string[])[.. good[..i], bad.Path, .. good[i..]]
                  select (bad, paths);
        await HostileCheck.RunAsync(output, "agent: manifests with a hostile path", gen, 3000, x =>
        {
            var error = Assert.Throws<InvalidManifestException>(() => ProfileSyncClient.ResolveTargets(Root, Manifest(x.paths)));
            Assert.Equal(x.bad.Path, error.Path);
            Assert.Contains(x.bad.Reason, error.Reason, StringComparison.Ordinal);
            return Task.CompletedTask;
        });

        Assert.Equal(before, _sandbox.Files());
    }

    [Fact]
    public async Task Whatever_path_a_manifest_names_the_agent_refuses_it_or_resolves_it_strictly_inside_the_folder()
    {
        Directory.CreateDirectory(Root);
        var roots = new[] { Root, Root + Separator, Root + Separator + "." + Separator };
        var gen = from paths in AnyPath.ArrayOf().Select(p => p.Take(5).ToArray()) from root in Gen.Elements(roots) select (root, paths);
        var accepted = 0;
        await HostileCheck.RunAsync(output, "agent: arbitrary manifest paths", gen, 5000, x =>
        {
            foreach (var path in x.paths)
            {
                string target;
                try
                {
                    target = ProfilePath.ToLocal(x.root, path);
                }
                catch (InvalidManifestException error)
                {
                    Assert.Equal(path, error.Path);
                    continue;
                }

                AssertInside(Root, target, path);
                Assert.Null(ProfilePath.Check(path));
                Interlocked.Increment(ref accepted);
            }

            List<(ManifestFile File, string Target)> targets;
            try
            {
                targets = ProfileSyncClient.ResolveTargets(x.root, Manifest(x.paths));
            }
            catch (InvalidManifestException error)
            {
                Assert.Contains(error.Path, x.paths);
                Assert.NotNull(ProfilePath.Check(error.Path));
                return Task.CompletedTask;
            }

            foreach (var (file, target) in targets)
            {
                AssertInside(Root, target, file.Path);
            }

            return Task.CompletedTask;
        });
        output.WriteLine($"{accepted} of the generated paths were valid and resolved inside the folder");
    }

    [Fact]
    public void A_valid_manifest_resolves_each_file_under_the_folder_by_its_segments()
    {
        Directory.CreateDirectory(Root);
        var manifest = Manifest("NTUSER.DAT", @"AppData\Roaming\Microsoft\a b.txt", @"AppData\Local\.hidden\x.y.z", "COM10", @"CONSOLE\console.log");

        var targets = ProfileSyncClient.ResolveTargets(Root, manifest);

        Assert.Equal(
            [
                Path.Combine(Root, "NTUSER.DAT"),
                Path.Combine(Root, "AppData", "Roaming", "Microsoft", "a b.txt"),
                Path.Combine(Root, "AppData", "Local", ".hidden", "x.y.z"),
                Path.Combine(Root, "COM10"),
                Path.Combine(Root, "CONSOLE", "console.log"),
            ],
            targets.Select(t => t.Target));
        Assert.Equal(manifest.Files, targets.Select(t => t.File));
    }

    [Theory]
    [InlineData(@"..\..\etc\passwd")]
    [InlineData("/etc/passwd")]
    [InlineData(@"C:\Windows\win.ini")]
    [InlineData("NTUSER.DAT")]
    public void Pulled_into_an_existing_file_a_one_file_snapshot_writes_that_file_and_nothing_else(string path)
    {
        Directory.CreateDirectory(Root);
        var file = Path.Combine(Root, "NTUSER.DAT");
        File.WriteAllBytes(file, [1, 2, 3]);

        var (resolved, target) = Assert.Single(ProfileSyncClient.ResolveTargets(file, Manifest(path)));

        Assert.Equal(path, resolved.Path);
        Assert.Equal(Path.GetFullPath(file), target);
        var refused = Assert.Throws<InvalidManifestException>(() => ProfileSyncClient.ResolveTargets(file, Manifest("NTUSER.DAT", path)));
        Assert.Equal($"the snapshot has 2 files but \"{file}\" is a file: pull into a folder", refused.Reason);
    }

    private static void AssertInside(string root, string target, string manifestPath)
    {
        var full = Path.GetFullPath(root);
        var relative = Path.GetRelativePath(full, target);
        Assert.True(
            target.StartsWith(full + Separator, StringComparison.Ordinal) && relative != "." && relative != ".." && !relative.StartsWith(".." + Separator, StringComparison.Ordinal) && !Path.IsPathRooted(relative),
            $"manifest path {Show.Text(manifestPath)} resolved to {Show.Text(target)}, outside {Show.Text(full)}");
        Assert.Equal(Path.GetFullPath(target), target);
    }

    public void Dispose() => _sandbox.Dispose();
}
