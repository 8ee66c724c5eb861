using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Deploy;

/// <summary>
/// The operator files under deploy/ parse, agree with each other (ports, probes, names), and point at
/// things that exist in the repository and in the silo.
/// </summary>
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class DeployFilesTests
{
    /// <summary>
    /// Every setting in deploy/README.md's configuration reference table, in its order. A test checks
    /// that the table lists exactly these; the appsettings examples may set only these.
    /// </summary>
    public static readonly IReadOnlyList<string> DocumentedSettings =
    [
        "Storage:Mode",
        "Storage:DataDirectory",
        "Storage:Azure:ConnectionString",
        "Storage:Azure:ServiceUri",
        "Storage:Azure:TableServiceUri",
        "Storage:Azure:Credential",
        "Storage:Azure:ClientId",
        "Storage:Azure:Container",
        "Storage:Azure:StateContainer",
        "Storage:Azure:ClusteringTable",
        "Storage:Azure:MaxRetries",
        "Storage:Azure:RetryDelay",
        "Storage:Azure:RequestTimeout",
        "Silo:SiloPort",
        "Silo:GatewayPort",
        "Silo:GatewayListenPort",
        "Silo:AdvertisedAddress",
        "Silo:ListenOnAnyAddress",
        "Silo:ClusterId",
        "Silo:ServiceId",
        "Health:Port",
        "Health:Address",
        "Dashboard:Enabled",
        "Dashboard:Port",
        "Store:SessionLifetime",
        "Store:MaxBatchBytes",
        "Store:MaxReadBytes",
        "Store:MaxFiles",
        "Store:MaxFileBytes",
        "Store:RetainSnapshots",
        "Store:RetainFor",
        "Store:ConflictPolicy",
        "Store:MaxOpenSessions",
        "Store:MaxProfileBytes",
        "Store:DamagedHives",
        "Auth:KeyFile",
        "Auth:KeyFiles",
        "Auth:JwksFile",
        "Auth:Authority",
        "Auth:Issuer",
        "Auth:Audience",
        "Auth:ClockSkew",
        "Auth:AdminRole",
        "Tls:CertificatePath",
        "Tls:KeyPath",
        "Tls:Password",
        "Tls:CaPath",
        "Tls:StoreThumbprint",
        "Tls:StoreLocation",
        "Membership:*",
        "Logging:LogLevel:<category>",
    ];

    /// <summary>The command-line switches of the README's table, with the setting each one sets.</summary>
    public static readonly IReadOnlyDictionary<string, string> DocumentedSwitches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--storage"] = "Storage:Mode",
        ["--data"] = "Storage:DataDirectory",
        ["--azure-connection-string"] = "Storage:Azure:ConnectionString",
        ["--silo-port"] = "Silo:SiloPort",
        ["--gateway-port"] = "Silo:GatewayPort",
        ["--gateway-listen-port"] = "Silo:GatewayListenPort",
        ["--advertise-ip"] = "Silo:AdvertisedAddress",
        ["--listen-any"] = "Silo:ListenOnAnyAddress",
        ["--cluster-id"] = "Silo:ClusterId",
        ["--health-port"] = "Health:Port",
        ["--token-key-file"] = "Auth:KeyFile",
        ["--tls-cert"] = "Tls:CertificatePath",
        ["--tls-key"] = "Tls:KeyPath",
        ["--tls-ca"] = "Tls:CaPath",
    };

    private const string DataPath = "/var/lib/orleans-profiles";

    private static readonly string Root = FindRepositoryRoot();

    private static string Deploy(params string[] parts) => Path.Combine([Root, "deploy", .. parts]);

    // ---- Kubernetes ----

    [Fact]
    public void EveryKubernetesYamlDocumentParsesAndHasApiVersionKindAndName()
    {
        var files = Directory.GetFiles(Deploy("kubernetes"), "*.y*ml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["deployment.yaml", "kustomization.yaml", "poddisruptionbudget.yaml", "role.yaml", "rolebinding.yaml", "service.yaml", "serviceaccount.yaml"],
            files.Select(f => Path.GetFileName(f)));
        foreach (var file in files)
        {
            var documents = LoadYaml(file);
            Assert.True(documents.Count > 0, $"{file} has no YAML document");
            foreach (var document in documents)
            {
                foreach (var path in new[] { new[] { "apiVersion" }, ["kind"], ["metadata", "name"] })
                {
                    Assert.False(string.IsNullOrWhiteSpace(ScalarOrNull(document, path)), $"{file}: a document without {string.Join('.', path)}");
                }
            }
        }
    }

    [Fact]
    public void KustomizationListsEveryManifestAndOnlyFilesThatExist()
    {
        var kustomization = Single(LoadYaml(Deploy("kubernetes", "kustomization.yaml")));
        Assert.Equal("kustomize.config.k8s.io/v1beta1", Scalar(kustomization, "apiVersion"));
        Assert.Equal("Kustomization", Scalar(kustomization, "kind"));
        var resources = Sequence(kustomization, "resources").Select(n => ((YamlScalarNode)n).Value!).ToList();
        foreach (var resource in resources)
        {
            Assert.True(File.Exists(Deploy("kubernetes", resource)), $"kustomization.yaml lists {resource}, which does not exist");
        }

        var manifests = Directory.GetFiles(Deploy("kubernetes"), "*.yaml").Select(f => Path.GetFileName(f)).Where(f => f != "kustomization.yaml");
        Assert.Equal(manifests.Order(StringComparer.Ordinal), resources.Order(StringComparer.Ordinal));

        // The image kustomize rewrites is the one the Deployment runs.
        var image = Assert.Single(Sequence(kustomization, "images"));
        Assert.Equal(Scalar(SiloContainer(), "image").Split(':')[0], Scalar(image, "name"));
    }

    [Fact]
    public void DeploymentProbesAskTheHealthEndpointsOnThePortTheImageExposes()
    {
        var container = SiloContainer();
        Assert.Equal("/health/ready", Scalar(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/health/live", Scalar(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/health/live", Scalar(container, "startupProbe", "httpGet", "path"));

        var readinessPort = ContainerPort(container, Scalar(container, "readinessProbe", "httpGet", "port"));
        Assert.Equal(8080, readinessPort);
        Assert.Equal(readinessPort, ContainerPort(container, Scalar(container, "livenessProbe", "httpGet", "port")));
        Assert.Equal(readinessPort, ContainerPort(container, Scalar(container, "startupProbe", "httpGet", "port")));
        Assert.Contains(readinessPort, Dockerfile().Exposed);

        // The silo's health port is its default (8080) unless the pod says otherwise, and then it must agree.
        Assert.DoesNotContain(EnvironmentVariables(container), e => e.Key == "PROFILES_Health__Port" && e.Value != $"{readinessPort}");
        Assert.Equal([11111, 30000, 8080], Sequence(container, "ports").Select(p => int.Parse(Scalar(p, "containerPort"))));
        Assert.Equal(Dockerfile().Exposed.Order(), new[] { 11111, 30000, 8080 }.Order());
    }

    [Fact]
    public void DeploymentRunsThreeSilosWithWhatOrleansKubernetesHostingNeeds()
    {
        var deployment = Manifest("Deployment");
        Assert.Equal("3", Scalar(deployment, "spec", "replicas"));
        var pod = Node(deployment, "spec", "template");
        var labels = Mapping(pod, "metadata", "labels");
        Assert.Equal("orleans-profiles", Scalar(labels, "orleans/serviceId"));
        Assert.Equal("orleans-profiles", Scalar(labels, "orleans/clusterId"));
        foreach (var (key, value) in Mapping(deployment, "spec", "selector", "matchLabels").Children)
        {
            Assert.Equal(((YamlScalarNode)value).Value, Scalar(labels, ((YamlScalarNode)key).Value!));
        }

        var container = SiloContainer();
        var env = Sequence(container, "env").ToDictionary(e => Scalar(e, "name"));
        Assert.Equal("true", Scalar(env["ORLEANS_KUBERNETES_HOSTING"], "value"));
        Assert.Equal("metadata.name", Scalar(env["POD_NAME"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.namespace", Scalar(env["POD_NAMESPACE"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("status.podIP", Scalar(env["POD_IP"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.labels['orleans/serviceId']", Scalar(env["ORLEANS_SERVICE_ID"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.labels['orleans/clusterId']", Scalar(env["ORLEANS_CLUSTER_ID"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.labels['orleans/serviceId']", Scalar(env["PROFILES_Silo__ServiceId"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.labels['orleans/clusterId']", Scalar(env["PROFILES_Silo__ClusterId"], "valueFrom", "fieldRef", "fieldPath"));
        // Entra ID through workload identity: service URIs and the credential, no connection string.
        Assert.Equal("https://ACCOUNT.blob.core.windows.net", Scalar(env["PROFILES_Storage__Azure__ServiceUri"], "value"));
        Assert.Equal("https://ACCOUNT.table.core.windows.net", Scalar(env["PROFILES_Storage__Azure__TableServiceUri"], "value"));
        Assert.Equal("WorkloadIdentity", Scalar(env["PROFILES_Storage__Azure__Credential"], "value"));
        Assert.DoesNotContain("AZURE_STORAGE_CONNECTION_STRING", env.Keys);
        Assert.Equal("true", Scalar(labels, "azure.workload.identity/use"));
        Assert.Matches("^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", Scalar(Manifest("ServiceAccount"), "metadata", "annotations", "azure.workload.identity/client-id"));
        // The advertised address comes from POD_IP; a fixed one would be wrong for every pod but one.
        Assert.DoesNotContain("PROFILES_Silo__AdvertisedAddress", env.Keys);

        foreach (var kind in new[] { "requests", "limits" })
        {
            Assert.False(string.IsNullOrWhiteSpace(Scalar(container, "resources", kind, "cpu")), $"resources.{kind}.cpu");
            Assert.False(string.IsNullOrWhiteSpace(Scalar(container, "resources", kind, "memory")), $"resources.{kind}.memory");
        }

        // The image runs as the .NET images' non-root user; the pod says the same.
        Assert.Equal("1654", Scalar(pod, "spec", "securityContext", "runAsUser"));
        Assert.Equal("true", Scalar(pod, "spec", "securityContext", "runAsNonRoot"));
    }

    [Fact]
    public void SiloServiceAccountMayGetListWatchPatchAndDeletePods()
    {
        var account = Manifest("ServiceAccount");
        var role = Manifest("Role");
        var binding = Manifest("RoleBinding");
        Assert.Equal(Scalar(account, "metadata", "name"), Scalar(Manifest("Deployment"), "spec", "template", "spec", "serviceAccountName"));

        var rule = Assert.Single(Sequence(role, "rules"));
        Assert.Equal([""], Sequence(rule, "apiGroups").Select(n => ((YamlScalarNode)n).Value));
        Assert.Equal(["pods"], Sequence(rule, "resources").Select(n => ((YamlScalarNode)n).Value));
        Assert.Equal(["delete", "get", "list", "patch", "watch"], Sequence(rule, "verbs").Select(n => ((YamlScalarNode)n).Value).Order(StringComparer.Ordinal));

        var subject = Assert.Single(Sequence(binding, "subjects"));
        Assert.Equal("ServiceAccount", Scalar(subject, "kind"));
        Assert.Equal(Scalar(account, "metadata", "name"), Scalar(subject, "name"));
        Assert.Equal("Role", Scalar(binding, "roleRef", "kind"));
        Assert.Equal(Scalar(role, "metadata", "name"), Scalar(binding, "roleRef", "name"));
        Assert.Equal("rbac.authorization.k8s.io", Scalar(binding, "roleRef", "apiGroup"));
    }

    [Fact]
    public void ServiceSendsGatewayPort30000ToTheSilosGatewayPort()
    {
        var service = Manifest("Service");
        var port = Assert.Single(Sequence(service, "spec", "ports"));
        Assert.Equal("30000", Scalar(port, "port"));
        var container = SiloContainer();
        Assert.Equal(30000, ContainerPort(container, Scalar(port, "targetPort")));

        var podLabels = Mapping(Manifest("Deployment"), "spec", "template", "metadata", "labels");
        foreach (var (key, value) in Mapping(service, "spec", "selector").Children)
        {
            Assert.Equal(((YamlScalarNode)value).Value, Scalar(podLabels, ((YamlScalarNode)key).Value!));
        }
    }

    // ---- Docker ----

    [Fact]
    public void DockerfileCopiesAndPublishesThingsThatExist()
    {
        var dockerfile = Dockerfile();
        Assert.Equal(["mcr.microsoft.com/dotnet/sdk:10.0 AS build", "mcr.microsoft.com/dotnet/aspnet:10.0"], dockerfile.From);

        var sources = dockerfile.CopySources;
        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            var path = Path.Combine(Root, source.TrimEnd('/'));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"the Dockerfile copies {source}, which is not in the repository");
        }

        // The files at the root that every build reads.
        Assert.Subset(sources.ToHashSet(), new HashSet<string> { "global.json", "Directory.Build.props", "Directory.Packages.props" });

        var publish = Assert.Single(dockerfile.Run, r => r.StartsWith("dotnet publish ", StringComparison.Ordinal));
        Assert.Equal("dotnet publish Silo -c Release -o /app", publish);
        var project = Assert.Single(Directory.GetFiles(Path.Combine(Root, "Silo"), "*.csproj"));
        Assert.Equal("profiles-silo", XDocument.Load(project).Descendants("AssemblyName").Single().Value);
        Assert.Equal(["/app/profiles-silo", "--storage", "azure", "--listen-any"], dockerfile.Entrypoint);

        Assert.NotNull(dockerfile.User);
        Assert.NotEqual("root", dockerfile.User);
        Assert.NotEqual("0", dockerfile.User);
        Assert.Contains("/health/ready", dockerfile.Healthcheck);
    }

    [Fact]
    public void EverySiloProjectReferenceIsInsideWhatTheDockerfileCopies()
    {
        var copied = Dockerfile().CopySources.Select(s => s.TrimEnd('/')).ToList();
        var projects = ProjectClosure(Path.Combine(Root, "Silo", "Orleans.Profiles.Silo.csproj"));
        Assert.True(projects.Count >= 2, "the silo should reference the grains project");
        foreach (var project in projects)
        {
            var relative = Path.GetRelativePath(Root, project).Replace(Path.DirectorySeparatorChar, '/');
            Assert.True(copied.Any(c => relative.StartsWith(c + "/", StringComparison.Ordinal)), $"{relative} is not under any folder the Dockerfile copies");
        }
    }

    [Fact]
    public void DockerIgnoreFilesAgreeAndHideBuildOutputsButNoSources()
    {
        var atRoot = IgnorePatterns(Path.Combine(Root, ".dockerignore"));
        var besideDockerfile = IgnorePatterns(Deploy("docker", "Dockerfile.dockerignore"));
        Assert.Equal(atRoot, besideDockerfile);
        Assert.Subset(atRoot.ToHashSet(), new HashSet<string> { "**/bin", "**/obj", "**/node_modules", "Tests/TestResults" });

        var ignored = atRoot.Select(IgnoreRegex).ToList();
        Assert.Matches(ignored[atRoot.IndexOf("**/bin")], "Silo/bin");
        Assert.Matches(ignored[atRoot.IndexOf("**/obj")], "Grains/Orleans.Profiles.Grains/obj");

        foreach (var source in Dockerfile().CopySources.Select(s => s.TrimEnd('/')))
        {
            var path = Path.Combine(Root, source);
            var files = File.Exists(path) ? [path] : SourceFiles(path);
            Assert.NotEmpty(files);
            foreach (var file in files)
            {
                var relative = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
                Assert.DoesNotContain(ignored, r => IsIgnored(r, relative));
            }
        }
    }

    // ---- systemd ----

    [Fact]
    public void SystemdUnitRunsThePublishedSiloOnItsStateDirectory()
    {
        var unit = SystemdUnit(Deploy("systemd", "orleans-profiles-silo.service"));
        var service = unit["Service"];
        Assert.Equal([$"/opt/orleans-profiles/profiles-silo --data {DataPath}"], service["ExecStart"]);
        Assert.Equal(["on-failure"], service["Restart"]);
        Assert.Equal(["orleans-profiles"], service["StateDirectory"]);
        Assert.Equal([DataPath], service["ReadWritePaths"]);
        Assert.Equal([DataPath], service["WorkingDirectory"]);
        Assert.Equal(["SIGTERM"], service["KillSignal"]);
        Assert.True(int.Parse(Assert.Single(service["TimeoutStopSec"])) >= 30);
        Assert.Equal(["yes"], service["NoNewPrivileges"]);
        Assert.Equal(["strict"], service["ProtectSystem"]);
        Assert.Equal(["-/etc/orleans-profiles/silo.env"], service["EnvironmentFile"]);
        Assert.NotEqual("root", Assert.Single(service["User"]));
        // The .NET JIT needs writable, executable memory.
        Assert.False(service.ContainsKey("MemoryDenyWriteExecute"));
        Assert.Equal(["multi-user.target"], unit["Install"]["WantedBy"]);
    }

    // ---- appsettings and the configuration reference ----

    [Theory]
    [InlineData("appsettings.local.json", "local")]
    [InlineData("appsettings.azure.json", "azure")]
    public void AppSettingsExampleIsJsonThatSetsOnlyDocumentedSettings(string file, string mode)
    {
        var settings = JsonSettings(Deploy(file));
        Assert.Equal(mode, settings["Storage:Mode"]);
        foreach (var key in settings.Keys)
        {
            Assert.True(IsDocumented(key), $"{file} sets {key}, which deploy/README.md does not document");
        }

        if (mode == "azure")
        {
            // The secret comes from AZURE_STORAGE_CONNECTION_STRING, never from a file in the repository.
            Assert.Equal("", settings["Storage:Azure:ConnectionString"]);
            Assert.Equal("true", settings["Silo:ListenOnAnyAddress"]);
            Assert.False(settings.ContainsKey("Storage:DataDirectory"));
        }
        else
        {
            Assert.Equal(DataPath, settings["Storage:DataDirectory"]);
            Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Storage:Azure:", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ShippedAppSettingsSetOnlyDocumentedSettings()
    {
        foreach (var key in JsonSettings(Path.Combine(Root, "Silo", "appsettings.json")).Keys)
        {
            Assert.True(IsDocumented(key), $"Silo/appsettings.json sets {key}, which deploy/README.md does not document");
        }
    }

    [Fact]
    public void ReadmeConfigurationTableListsExactlyTheDocumentedSettingsAndSwitches()
    {
        var rows = ReadmeConfigurationRows();
        Assert.Equal(DocumentedSettings, rows.Select(r => r.Setting));
        var switches = rows.Where(r => r.Switch is not null).ToDictionary(r => r.Switch!, r => r.Setting);
        Assert.Equal(DocumentedSwitches.OrderBy(p => p.Key, StringComparer.Ordinal), switches.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadmeSwitchesAreTheSilosSwitches()
    {
        // The switches the built silo itself lists in its --help (a child process: nothing of the silo is loaded here).
        var usage = await RunAsync("dotnet", [EndToEnd.Programs.SiloPath, "--help"]);
        var listed = Regex.Matches(usage, @"^  (--[a-z][a-z-]*)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        Assert.Equal(DocumentedSwitches.Keys.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public void ReadmeNamesOnlyDeployFilesThatExist()
    {
        var readme = File.ReadAllText(Deploy("README.md"));
        var named = Regex.Matches(readme, @"`(deploy/[^`\s]+)`").Select(m => m.Groups[1].Value.TrimEnd('/')).Distinct().ToList();
        Assert.Contains("deploy/local-cluster.sh", named);
        foreach (var path in named)
        {
            var full = Path.Combine(Root, path);
            Assert.True(File.Exists(full) || Directory.Exists(full), $"deploy/README.md names {path}, which does not exist");
        }
    }

    // ---- local cluster script ----

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task LocalClusterScriptPassesBashSyntaxCheckAndIsExecutable()
    {
        var script = Deploy("local-cluster.sh");
        Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, "deploy/local-cluster.sh is not executable");
        var text = await File.ReadAllTextAsync(script);
        Assert.StartsWith("#!/usr/bin/env bash\n", text);
        Assert.Contains("\nset -euo pipefail\n", text);

        Assert.Equal("", await RunAsync("bash", ["-n", script]));
    }

    // ---- helpers ----

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(typeof(DeployFilesTests).Assembly.Location)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Profiles.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No Orleans.Profiles.sln above the test assembly.");
    }

    /// <summary>Runs a program to its end (at most 60 s); fails unless it exits 0 with nothing on standard error; returns standard output.</summary>
    private static async Task<string> RunAsync(string program, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal("", await errors);
        Assert.Equal(0, process.ExitCode);
        return await output;
    }

    private static bool IsDocumented(string key)
        => DocumentedSettings.Contains(key)
           || (key.StartsWith("Logging:LogLevel:", StringComparison.Ordinal) && key.Count(c => c == ':') == 2 && DocumentedSettings.Contains("Logging:LogLevel:<category>"));

    private sealed record ReadmeRow(string Setting, string? Switch);

    /// <summary>The rows of the table under "## Configuration reference" in deploy/README.md.</summary>
    private static List<ReadmeRow> ReadmeConfigurationRows()
    {
        var lines = File.ReadAllLines(Deploy("README.md"));
        var start = Array.IndexOf(lines, "## Configuration reference");
        Assert.True(start >= 0, "deploy/README.md has no '## Configuration reference' section");
        var rows = new List<ReadmeRow>();
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split('|');
            var setting = Regex.Match(cells[1], "`([^`]+)`").Groups[1].Value;
            var switchMatch = Regex.Match(cells[2], "`(--[a-z-]+)");
            rows.Add(new ReadmeRow(setting, switchMatch.Success ? switchMatch.Groups[1].Value : null));
        }

        return rows;
    }

    /// <summary>Every leaf of a JSON settings file as a configuration key (Section:Key) and its text.</summary>
    private static Dictionary<string, string> JsonSettings(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(json.RootElement, "");
        return settings;

        void Flatten(JsonElement element, string prefix)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}");
                }
            }
            else
            {
                Assert.NotEqual(JsonValueKind.Array, element.ValueKind);
                settings.Add(prefix, element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText());
            }
        }
    }

    private static List<YamlMappingNode> LoadYaml(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(file));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode))];
    }

    private static YamlMappingNode Single(List<YamlMappingNode> documents) => Assert.Single(documents);

    /// <summary>The one document of the given kind under deploy/kubernetes.</summary>
    private static YamlMappingNode Manifest(string kind)
        => Assert.Single(Directory.GetFiles(Deploy("kubernetes"), "*.yaml").SelectMany(LoadYaml), d => ScalarOrNull(d, "kind") == kind);

    private static YamlMappingNode SiloContainer()
        => Assert.IsType<YamlMappingNode>(Assert.Single(Sequence(Manifest("Deployment"), "spec", "template", "spec", "containers")));

    /// <summary>A probe's or Service's port: a number, or the name of one of the container's ports.</summary>
    private static int ContainerPort(YamlNode container, string port)
        => int.TryParse(port, out var number) ? number
            : int.Parse(Scalar(Assert.Single(Sequence(container, "ports"), p => ScalarOrNull(p, "name") == port), "containerPort"));

    private static IEnumerable<KeyValuePair<string, string?>> EnvironmentVariables(YamlNode container)
        => Sequence(container, "env").Select(e => new KeyValuePair<string, string?>(Scalar(e, "name"), ScalarOrNull(e, "value")));

    private static YamlNode? NodeOrNull(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private static YamlNode Node(YamlNode node, params string[] path)
        => NodeOrNull(node, path) ?? throw new Xunit.Sdk.XunitException($"no {string.Join('.', path)}");

    private static string? ScalarOrNull(YamlNode node, params string[] path) => (NodeOrNull(node, path) as YamlScalarNode)?.Value;

    private static string Scalar(YamlNode node, params string[] path)
        => Assert.IsType<YamlScalarNode>(Node(node, path)).Value ?? throw new Xunit.Sdk.XunitException($"{string.Join('.', path)} is null");

    private static YamlMappingNode Mapping(YamlNode node, params string[] path) => Assert.IsType<YamlMappingNode>(Node(node, path));

    private static IEnumerable<YamlNode> Sequence(YamlNode node, params string[] path) => Assert.IsType<YamlSequenceNode>(Node(node, path)).Children;

    private sealed record DockerfileInstructions(
        List<string> From, List<string> CopySources, List<string> Run, List<int> Exposed, List<string> Entrypoint, string? User, string Healthcheck);

    /// <summary>deploy/docker/Dockerfile's instructions, continuation lines joined, comments dropped.</summary>
    private static DockerfileInstructions Dockerfile()
    {
        var instructions = new List<(string Name, string Arguments)>();
        var current = "";
        foreach (var raw in File.ReadAllLines(Deploy("docker", "Dockerfile")))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            var space = current.IndexOf(' ');
            instructions.Add((current[..space].ToUpperInvariant(), current[(space + 1)..].Trim()));
            current = "";
        }

        List<string> All(string name) => [.. instructions.Where(i => i.Name == name).Select(i => i.Arguments)];

        var copySources = All("COPY")
            .Where(a => !a.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToList();
        var exposed = All("EXPOSE").SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse).ToList();
        var entrypoint = JsonSerializer.Deserialize<List<string>>(Assert.Single(All("ENTRYPOINT")))!;
        return new DockerfileInstructions(All("FROM"), copySources, All("RUN"), exposed, entrypoint, All("USER").LastOrDefault(), Assert.Single(All("HEALTHCHECK")));
    }

    /// <summary>A project and every project it references, transitively (full paths).</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }

            Assert.True(File.Exists(next), $"{next} is referenced but does not exist");
            foreach (var reference in XDocument.Load(next).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar);
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, include)));
            }
        }

        return seen;
    }

    private static List<string> IgnorePatterns(string file)
        => [.. File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    /// <summary>A .dockerignore pattern as a regex over context-relative paths ('**' any folders, '*' within one name).</summary>
    private static Regex IgnoreRegex(string pattern)
    {
        Assert.False(pattern.StartsWith('!'), "exception patterns are not used here");
        var regex = Regex.Escape(pattern.TrimEnd('/'))
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex($"^{regex}$");
    }

    /// <summary>A path is ignored when it, or a folder it is in, matches.</summary>
    private static bool IsIgnored(Regex pattern, string relativePath)
    {
        var parts = relativePath.Split('/');
        return Enumerable.Range(1, parts.Length).Any(n => pattern.IsMatch(string.Join('/', parts.Take(n))));
    }

    /// <summary>The files a build of this folder reads: everything except build outputs.</summary>
    private static List<string> SourceFiles(string directory)
        => [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(directory, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))];

    /// <summary>A systemd unit file: section → key → values in order (a key may repeat).</summary>
    private static Dictionary<string, Dictionary<string, List<string>>> SystemdUnit(string file)
    {
        var unit = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        Dictionary<string, List<string>>? section = null;
        foreach (var raw in File.ReadAllLines(file))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = [];
                unit.Add(line[1..^1], section);
                continue;
            }

            Assert.True(section is not null, $"'{line}' is outside any section");
            var equals = line.IndexOf('=');
            Assert.True(equals > 0, $"'{line}' is not Key=Value");
            var key = line[..equals];
            if (!section.TryGetValue(key, out var values))
            {
                section[key] = values = [];
            }

            values.Add(line[(equals + 1)..]);
        }

        return unit;
    }
}
