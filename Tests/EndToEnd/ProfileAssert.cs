namespace Orleans.Profiles.Tests.EndToEnd;

public static class ProfileAssert
{
    /// <summary>The same files with the same bytes, exactly.</summary>
    public static void SameFiles(IReadOnlyDictionary<string, byte[]> expected, IReadOnlyDictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[path]), $"{path} differs ({bytes.Length} bytes expected, {actual[path].Length} found)");
        }
    }
}
