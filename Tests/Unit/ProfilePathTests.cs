using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ProfilePathTests
{
    private static readonly char Sep = Path.DirectorySeparatorChar;

    [Theory]
    [InlineData("NTUSER.DAT")]
    [InlineData("ntuser.dat.LOG1")]
    [InlineData("AppData\\Roaming\\Microsoft\\x.txt")]
    [InlineData("AppData\\Local\\Microsoft\\Windows\\UsrClass.dat")]
    [InlineData("My Documents\\a b.c")]
    [InlineData("CONSOLE.txt")]
    [InlineData("COM10")]
    [InlineData("a\\.hidden")]
    public void A_valid_profile_path_is_accepted(string path)
    {
        Assert.Null(ProfilePath.Check(path));
        ProfilePath.Validate(path);
    }

    [Theory]
    [InlineData("", "the path is empty")]
    [InlineData("\\x", "rooted or has an empty segment")]
    [InlineData("a\\\\b", "rooted or has an empty segment")]
    [InlineData("a\\", "rooted or has an empty segment")]
    [InlineData("C:\\x", "':'")]
    [InlineData("a:stream", "':'")]
    [InlineData("..\\x", "'.' or '..' segment")]
    [InlineData("a\\..\\b", "'.' or '..' segment")]
    [InlineData(".\\a", "'.' or '..' segment")]
    [InlineData("..", "'.' or '..' segment")]
    [InlineData("a/b", "'/'")]
    [InlineData("CON", "reserved Windows device name")]
    [InlineData("con.txt", "reserved Windows device name")]
    [InlineData("Con .txt", "reserved Windows device name")]
    [InlineData("LPT1\\x", "reserved Windows device name")]
    [InlineData("a\\com1.log", "reserved Windows device name")]
    [InlineData("a\\NUL", "reserved Windows device name")]
    [InlineData("a.\\b", "ends with a space or a period")]
    [InlineData("a \\b", "ends with a space or a period")]
    [InlineData("a\\b.", "ends with a space or a period")]
    [InlineData("a\\b ", "ends with a space or a period")]
    [InlineData("a\nb", "control character U+000A")]
    [InlineData("a\u0000b", "control character U+0000")]
    [InlineData("a\u001fb", "control character U+001F")]
    [InlineData("a*b", "'*'")]
    [InlineData("a?b", "'?'")]
    [InlineData("a<b", "'<'")]
    [InlineData("a>b", "'>'")]
    [InlineData("a|b", "'|'")]
    [InlineData("a\"b", "'\"'")]
    public void A_bad_profile_path_is_refused_with_a_reason(string path, string reason)
    {
        var check = ProfilePath.Check(path);
        Assert.NotNull(check);
        Assert.Contains(reason, check, StringComparison.Ordinal);

        var error = Assert.Throws<InvalidManifestException>(() => ProfilePath.Validate(path));
        Assert.Equal(path, error.Path);
        Assert.Equal(check, error.Reason);
    }

    [Fact]
    public void Null_is_refused()
        => Assert.Equal("the path is empty", ProfilePath.Check(null));

    [Fact]
    public void The_length_limit_is_1024_characters()
    {
        var longest = string.Join('\\', Enumerable.Repeat(new string('a', 99), 10)) + "\\" + new string('b', 24);
        Assert.Equal(1024, longest.Length);
        Assert.Null(ProfilePath.Check(longest));
        Assert.Equal("the path is longer than 1024 characters", ProfilePath.Check(longest + "b"));
    }

    [Fact]
    public void Paths_compare_case_insensitively()
    {
        Assert.True(ProfilePath.Comparer.Equals("AppData\\NTUSER.DAT", "appdata\\ntuser.dat"));
        Assert.False(ProfilePath.Comparer.Equals("a\\b", "a\\c"));
    }

    [Fact]
    public void ToLocal_maps_backslashes_to_the_local_separator_under_the_root()
    {
        var root = Path.Combine(Path.GetTempPath(), "profile-root");

        Assert.Equal($"{Path.GetFullPath(root)}{Sep}AppData{Sep}Roaming{Sep}x.txt", ProfilePath.ToLocal(root, "AppData\\Roaming\\x.txt"));
        Assert.Equal($"{Path.GetFullPath(root)}{Sep}NTUSER.DAT", ProfilePath.ToLocal(root + Sep, "NTUSER.DAT"));
    }

    [Theory]
    [InlineData("..\\x")]
    [InlineData("a\\..\\..\\x")]
    [InlineData("\\etc\\passwd")]
    [InlineData("C:\\Windows\\x")]
    [InlineData("a/../../x")]
    [InlineData("")]
    public void ToLocal_refuses_a_path_that_could_leave_the_root(string path)
    {
        var root = Path.Combine(Path.GetTempPath(), "profile-root");

        var error = Assert.Throws<InvalidManifestException>(() => ProfilePath.ToLocal(root, path));
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void FromLocal_converts_the_local_separator_to_a_backslash()
    {
        Assert.Equal("AppData\\Roaming\\x.txt", ProfilePath.FromLocal($"AppData{Sep}Roaming{Sep}x.txt"));
        Assert.Equal("NTUSER.DAT", ProfilePath.FromLocal("NTUSER.DAT"));
    }

    [Fact]
    public void FromLocal_refuses_names_a_windows_profile_cannot_hold()
    {
        Assert.Throws<InvalidManifestException>(() => ProfilePath.FromLocal($"a{Sep}..{Sep}b"));
        Assert.Throws<InvalidManifestException>(() => ProfilePath.FromLocal("con.txt"));
        Assert.Throws<InvalidManifestException>(() => ProfilePath.FromLocal("a:b"));
        if (Sep != '\\')
        {
            // On Windows '\' is the separator itself; elsewhere it is a character of a file name.
            var error = Assert.Throws<InvalidManifestException>(() => ProfilePath.FromLocal("a\\b"));
            Assert.Equal("a\\b", error.Path);
        }
    }

    [Fact]
    public void FromLocal_and_ToLocal_are_inverse()
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "profile-root"));
        var local = Path.Combine(root, "AppData", "Local", "Microsoft", "Windows", "UsrClass.dat");

        var profilePath = ProfilePath.FromLocal(Path.GetRelativePath(root, local));

        Assert.Equal("AppData\\Local\\Microsoft\\Windows\\UsrClass.dat", profilePath);
        Assert.Equal(local, ProfilePath.ToLocal(root, profilePath));
    }
}
