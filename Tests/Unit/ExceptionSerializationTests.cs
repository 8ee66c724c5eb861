using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>Typed errors cross the wire as themselves, so an agent can tell bad input from a fault.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ExceptionSerializationTests
{
    private static readonly ContentHash SomeHash = ContentHash.Compute("chunk"u8);
    private static readonly Guid SomeSession = Guid.Parse("7c1d6a0e-3e0b-4f7e-9a65-2b6f1f7b8c11");

    public static TheoryData<string> Names => [.. Cases().Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void A_typed_error_round_trips_with_its_type_message_and_properties(string name)
    {
        var (original, properties) = Cases()[name];

        var copy = OrleansSerialization.RoundTrip<Exception>(original);

        Assert.IsType(original.GetType(), copy);
        Assert.Equal(original.Message, copy.Message);
        Assert.Equal(original.IsBadInput, ((ProfileStoreException)copy).IsBadInput);
        foreach (var property in properties)
        {
            var info = original.GetType().GetProperty(property)!;
            Assert.Equal(info.GetValue(original), info.GetValue(copy));
        }
    }

    [Fact]
    public void Every_typed_error_is_covered()
    {
        var declared = typeof(ProfileStoreException).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ProfileStoreException)) && !t.IsAbstract)
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);
        var covered = Cases().Values.Select(c => c.Error.GetType().Name).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(declared, covered);
    }

    [Fact]
    public void Every_serialized_property_of_every_typed_error_is_checked()
    {
        foreach (var (error, properties) in Cases().Values)
        {
            var serialized = error.GetType().GetProperties()
                .Where(p => p.IsDefined(typeof(IdAttribute), inherit: false))
                .Select(p => p.Name)
                .Order(StringComparer.Ordinal);
            Assert.Equal(serialized, properties.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Each error with the names of its [Id] properties.</summary>
    private static Dictionary<string, (ProfileStoreException Error, string[] Properties)> Cases() => new()
    {
        ["delta rejected"] = (new DeltaRejectedException("it rebuilds to another manifest"), ["Reason"]),
        ["delta base unavailable"] = (new DeltaBaseUnavailableException(3), ["BaseSnapshot"]),
        ["chunk rejected"] = (new ChunkRejectedException(SomeHash, "its bytes do not match its SHA-256"), ["Hash", "Reason"]),
        ["damaged hive"] = (new DamagedHiveException("NTUSER.DAT", 0x3000, "the 4096-byte page at 0x3000 is all zeros where the cell at 0x3420 of the hive bin at 0x2000 must be (a write that never completed)"), ["Path", "Offset", "Problem"]),
        ["invalid directory query"] = (new InvalidDirectoryQueryException("\"bogus\" is not a field"), ["Problem"]),
        ["invalid page token"] = (new InvalidPageTokenException("it is not a page token of this store"), ["Problem"]),
        ["profile not found"] = (new ProfileNotFoundException(@"contoso\nobody"), ["Profile"]),
        ["profile deleting"] = (new ProfileDeletingException(@"contoso\leaver"), ["Profile"]),
        ["uploads open"] = (new UploadsOpenException(@"contoso\leaver"), ["Profile"]),
        ["invalid quota"] = (new InvalidQuotaException(-1), ["Bytes"]),
        ["file hash mismatch"] = (new FileHashMismatchException("AppData\\Roaming\\x.txt"), ["Path"]),
        ["invalid manifest with a path"] = (new InvalidManifestException("a path segment ends with a space", "a \\b"), ["Reason", "Path"]),
        ["invalid manifest without a path"] = (new InvalidManifestException("checksum mismatch"), ["Reason", "Path"]),
        ["damaged hive"] = (new DamagedHiveException("NTUSER.DAT", 0x3000, "a zeroed page where a hive bin must start"), ["Path", "Offset", "Problem"]),
        ["not authorised"] = (new NotAuthorizedException("the token has expired"), ["Reason"]),
        ["invalid machine name"] = (new InvalidMachineNameException("WS 042", "the machine name contains U+0020"), ["Machine", "Reason"]),
        ["invalid profile key"] = (new InvalidProfileKeyException("CONTOSO\\Alice", "not normalised"), ["Account", "Reason"]),
        ["request limit"] = (new RequestLimitException("the batch size in bytes", 9_000_000_000, 8_388_608), ["Limit", "Value", "Maximum"]),
        ["snapshot not found"] = (new SnapshotNotFoundException("contoso\\alice", 42), ["Profile", "Snapshot"]),
        ["storage unavailable"] = (new StorageUnavailableException("Azure Storage answered 503 ServerBusy"), ["Reason"]),
        ["upload incomplete"] = (new UploadIncompleteException(SomeSession, 17), ["SessionId", "MissingChunks"]),
        ["upload session not found"] = (new UploadSessionNotFoundException(SomeSession), ["SessionId"]),
    };
}
