using Microsoft.Extensions.Options;
using Orleans.Profiles.Local;
using Orleans.Profiles.Storage;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Contract;

[Trait(TestCategory.Name, TestCategory.Contract)]
public sealed class LocalPackStoreContractTests : PackStoreContract, IDisposable
{
    private readonly TempDirectory _data = new("pack-contract");

    private LocalStorageOptions StorageOptions => new() { DataDirectory = _data.Path };

    public void Dispose() => _data.Dispose();

    protected override IPackStore CreateStore() => new LocalPackStore(Options.Create(StorageOptions));

    protected override Task<IReadOnlyList<string>> StoredObjectsAsync() => Task.FromResult(_data.Files());

    /// <summary>The first record of the batch whole, the next cut in its bytes: an append cut short by a crash.</summary>
    protected override async Task TearStageAsync(ProfileKey profile, Guid session, IReadOnlyList<ChunkPayload> batch)
    {
        var path = Path.Combine(StorageOptions.ProfileDirectory(profile), "staging", $"{session:N}.stage");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var second = PackRecord.Encode(batch[1]);
        await File.AppendAllBytesAsync(path, [.. PackRecord.Encode(batch[0]), .. second[..(second.Length / 2)]]);
    }
}
