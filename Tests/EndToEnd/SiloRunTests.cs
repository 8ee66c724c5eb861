using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.EndToEnd;

/// <summary>The README's quick start: <c>dotnet run --project Silo</c> keeps its data in the caller's <c>./profiles-data</c>.</summary>
[Trait(TestCategory.Name, TestCategory.EndToEnd)]
public sealed class SiloRunTests
{
    [Fact]
    public async Task Dotnet_run_keeps_the_data_in_the_callers_folder_not_the_projects()
    {
        using var caller = new TempDirectory("e2e-dotnet-run");
        var configuration = new DirectoryInfo(Path.GetDirectoryName(Programs.SiloPath)!).Parent!.Name; // bin/<Configuration>/<tfm>
        await using var silo = ChildProcess.StartProgram("dotnet", [
            "run", "--no-build", "--project", Path.Combine(Programs.RepositoryRoot, "Silo"), "-c", configuration, "--",
            "--silo-port", $"{Programs.FreePort()}", "--gateway-port", $"{Programs.FreePort()}", "--health-port", $"{Programs.FreePort()}"], caller.Path);

        var ready = await silo.WaitForLineAsync(l => l.Contains("Orleans.Profiles silo ready", StringComparison.Ordinal), "the silo's ready line");

        Assert.Contains($"storage local in {caller.Combine("profiles-data")},", ready, StringComparison.Ordinal);
    }
}
