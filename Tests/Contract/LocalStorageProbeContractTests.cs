using Microsoft.Extensions.Options;
using Orleans.Profiles.Local;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

/// <summary>The data folder is <c>store/data</c>; storage is gone when <c>store</c> is a file, so the folder cannot be created.</summary>
[Trait(TestCategory.Name, TestCategory.Contract)]
public sealed class LocalStorageProbeContractTests : StorageProbeContract, IDisposable
{
    private readonly TempDirectory _root = new("probe-contract");

    private string Store => _root.Combine("store");

    public void Dispose() => _root.Dispose();

    protected override IStorageProbe CreateProbe() => new LocalStorageProbe(Options.Create(new LocalStorageOptions { DataDirectory = Path.Combine(Store, "data") }));

    protected override async Task MakeStorageUnavailableAsync()
    {
        if (Directory.Exists(Store))
        {
            Directory.Delete(Store, recursive: true);
        }

        await File.WriteAllBytesAsync(Store, [1]);
    }

    protected override Task RestoreStorageAsync()
    {
        File.Delete(Store);
        return Task.CompletedTask;
    }

    protected override void AssertUnavailable(Exception error) => Assert.IsAssignableFrom<IOException>(error);

    [Fact]
    public async Task The_probe_leaves_nothing_in_the_data_folder()
    {
        await CreateProbe().ProbeAsync(CancellationToken.None);

        Assert.Empty(_root.Files());
        Assert.True(Directory.Exists(Path.Combine(Store, "data")));
    }
}
