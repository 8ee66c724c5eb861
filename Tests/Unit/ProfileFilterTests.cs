using Orleans.Profiles.Sync;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ProfileFilterTests
{
    [Theory]
    [InlineData("NTUSER.DAT")]
    [InlineData("ntuser.dat.LOG1")]
    [InlineData("ntuser.dat.LOG2")]
    [InlineData("NTUSER.DAT{53b39e88-18c4-11ea-a811-000d3aa4692b}.TM.blf")]
    [InlineData("NTUSER.DAT{53b39e88-18c4-11ea-a811-000d3aa4692b}.TMContainer00000000000000000001.regtrans-ms")]
    [InlineData("ntuser.ini")]
    [InlineData(@"AppData\Roaming\x")]
    [InlineData(@"AppData\Roaming\Microsoft\Signatures\work.htm")]
    [InlineData(@"AppData\Local\Microsoft\Windows\UsrClass.dat")]
    [InlineData(@"AppData\Local\Microsoft\Windows\UsrClass.dat.LOG1")]
    [InlineData(@"AppData\Local\Microsoft\Windows\UsrClass.dat.LOG2")]
    [InlineData(@"AppData\Local\Microsoft\Windows\UsrClass.dat{0d5d2d8a-6d2a-11ee-b962-0242ac120002}.TM.blf")]
    [InlineData(@"appdata\local\microsoft\windows\usrclass.dat")]
    [InlineData(@"AppData\Localized.txt")]
    [InlineData(@"Documents\report.docx")]
    [InlineData(@"AppData\Roaming\Code\User\settings.json")]
    [InlineData(@"AppData\Roaming\Code\User\Cache\kept.json")]
    public void By_default_the_hives_with_their_logs_and_roaming_data_roam(string path)
        => Assert.True(ProfileFilter.Default.Roams(path), path);

    [Theory]
    [InlineData(@"AppData\Local\Temp\cache.bin")]
    [InlineData(@"appdata\LOCAL\temp\cache.bin")]
    [InlineData(@"AppData\Local\Google\Chrome\User Data\Default\Cache\Cache_Data\f_000001")]
    [InlineData(@"AppData\Local\Microsoft\Windows\INetCache\IE\x.dat")]
    [InlineData(@"AppData\Local\Microsoft\Windows\UsrClass")]
    [InlineData(@"AppData\LocalLow\Sun\Java\x.idx")]
    [InlineData(@"$Recycle.Bin\S-1-5-21\$R1.txt")]
    [InlineData(@"Documents\draft.tmp")]
    [InlineData("x.TMP")]
    [InlineData(@"Documents\~$report.docx")]
    [InlineData(@"AppData\Roaming\Code\Cache\Cache_Data\data_0")]
    [InlineData(@"AppData\Roaming\Microsoft\Teams\Code Cache\js\index")]
    [InlineData(@"AppData\Roaming\Slack\GPUCache\data_1")]
    public void By_default_local_app_data_temporary_files_and_app_caches_stay_on_the_machine(string path)
        => Assert.False(ProfileFilter.Default.Roams(path), path);

    [Fact]
    public void The_defaults_are_the_documented_lists()
    {
        Assert.Equal(
            [@"AppData\Local", @"AppData\LocalLow", "$Recycle.Bin", @"**\*.tmp", @"**\~$*", @"AppData\Roaming\*\Cache", @"AppData\Roaming\**\Code Cache", @"AppData\Roaming\**\GPUCache"],
            ProfileFilter.DefaultExcludes);
        Assert.Equal([@"AppData\Local\Microsoft\Windows\UsrClass.dat*"], ProfileFilter.DefaultIncludes);
        Assert.Equal(ProfileFilter.DefaultExcludes, ProfileFilter.Default.Excludes);
        Assert.Equal(ProfileFilter.DefaultExcludes, ProfileFilter.Create([], []).Excludes);
    }

    [Fact]
    public void Added_patterns_extend_the_defaults_and_an_include_wins_over_any_exclude()
    {
        var filter = ProfileFilter.Create([@"AppData\Roaming\Big\*.iso", "Downloads"], [@"AppData\Local\Contoso\**", @"Downloads\keep.txt"]);

        Assert.Equal([.. ProfileFilter.DefaultExcludes, @"AppData\Roaming\Big\*.iso", "Downloads"], filter.Excludes);
        Assert.Equal([.. ProfileFilter.DefaultIncludes, @"AppData\Local\Contoso\**", @"Downloads\keep.txt"], filter.Includes);
        Assert.False(filter.Roams(@"AppData\Roaming\Big\disk.iso"));
        Assert.False(filter.Roams(@"appdata\roaming\big\DISK.ISO"));
        Assert.True(filter.Roams(@"AppData\Roaming\Big\readme.txt"));
        Assert.True(filter.Roams(@"AppData\Roaming\Big\sub\disk.iso")); // '*' stays within one folder
        Assert.False(filter.Roams(@"Downloads\setup.exe")); // a folder excludes everything under it
        Assert.False(filter.Roams(@"Downloads\a\b\c.txt"));
        Assert.True(filter.Roams(@"Downloads\keep.txt"));
        Assert.True(filter.Roams(@"AppData\Local\Contoso\settings\app.ini"));
        Assert.True(filter.Roams(@"AppData\Local\Microsoft\Windows\UsrClass.dat"));
        Assert.False(filter.Roams(@"AppData\Local\Temp\cache.bin"));
    }

    [Fact]
    public void Patterns_take_forward_slashes_and_either_case()
    {
        var filter = ProfileFilter.Create(["appdata/roaming/BIG/*.ISO", "./Videos/"], []);

        Assert.False(filter.Roams(@"AppData\Roaming\Big\disk.iso"));
        Assert.False(filter.Roams(@"Videos\holiday.mp4"));
        Assert.True(filter.Roams(@"Music\Videos\holiday.mp4"));
    }

    [Fact]
    public void Double_star_matches_any_number_of_folders_and_question_mark_one_character()
    {
        var filter = ProfileFilter.Create([@"**\node_modules", @"Documents\**\*.bak", @"Saved Games\save?.dat", @"**\log??\*.txt"], [@"Documents\**\keep?.bak"]);

        Assert.False(filter.Roams(@"node_modules\a.js"));
        Assert.False(filter.Roams(@"Source\app\node_modules\left-pad\index.js"));
        Assert.False(filter.Roams(@"Documents\a.bak"));
        Assert.False(filter.Roams(@"Documents\x\y\z\a.BAK"));
        Assert.True(filter.Roams(@"Documents\x\keep1.bak"));
        Assert.False(filter.Roams(@"Documents\x\keep12.bak"));
        Assert.False(filter.Roams(@"Saved Games\save1.dat"));
        Assert.False(filter.Roams(@"saved games\SAVEx.DAT"));
        Assert.True(filter.Roams(@"Saved Games\save.dat"));
        Assert.True(filter.Roams(@"Saved Games\save12.dat"));
        Assert.False(filter.Roams(@"a\b\log01\run.txt"));
        Assert.True(filter.Roams(@"a\b\log1\run.txt"));
        Assert.True(filter.Roams(@"Desktop\notes.txt"));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("  ", "is empty")]
    [InlineData(@"\", "is rooted")]
    [InlineData(".", "is empty")]
    [InlineData(@"C:\x", "is rooted")]
    [InlineData("C:x", "is rooted")]
    [InlineData(@"\\server\share\x", "is rooted")]
    [InlineData("//server/share/x", "is rooted")]
    [InlineData(@"\AppData\Local", "is rooted")]
    [InlineData("/etc/passwd", "is rooted")]
    [InlineData(@"..\x", "'..' segment")]
    [InlineData(@"AppData\..\..\x", "'..' segment")]
    [InlineData("a/../b", "'..' segment")]
    [InlineData("a|b", "does not allow")]
    [InlineData("a\u0001", "does not allow")]
    public void A_pattern_that_cannot_name_a_path_in_the_profile_folder_is_refused(string pattern, string reason)
    {
        var asExclude = Assert.Throws<InvalidProfilePatternException>(() => ProfileFilter.Create([pattern], []));
        var asInclude = Assert.Throws<InvalidProfilePatternException>(() => ProfileFilter.Create([], [@"AppData\Roaming\ok", pattern]));

        Assert.Equal(pattern, asExclude.Pattern);
        Assert.Contains(reason, asExclude.Message, StringComparison.Ordinal);
        Assert.StartsWith($"the pattern \"{pattern}\" ", asExclude.Message, StringComparison.Ordinal);
        Assert.Equal(asExclude.Message, asInclude.Message);
        Assert.IsAssignableFrom<ArgumentException>(asExclude);
    }

    [Theory]
    [InlineData(@"AppData\Local", true)] // the second hive is further down
    [InlineData(@"AppData\Local\Microsoft", true)]
    [InlineData(@"AppData\Local\Microsoft\Windows", true)]
    [InlineData(@"AppData\Local\Microsoft\Windows\INetCache", false)]
    [InlineData(@"AppData\Local\Google", false)]
    [InlineData(@"AppData\LocalLow", false)]
    [InlineData(@"AppData\Roaming", true)]
    [InlineData(@"AppData\Roaming\Slack\GPUCache", false)]
    [InlineData("$Recycle.Bin", false)]
    [InlineData("Documents", true)]
    public void A_folder_nothing_under_which_can_roam_is_not_walked(string folder, bool walked)
        => Assert.Equal(walked, ProfileFilter.Default.MayRoamUnder(folder));

    [Fact]
    public void A_profile_folder_lists_only_what_roams_and_never_looks_inside_a_folder_that_cannot()
    {
        using var root = new TempDirectory("filter-enumerate");
        string[] files =
        [
            "NTUSER.DAT", "ntuser.dat.LOG1", "AppData/Roaming/Contoso/settings.ini", "AppData/Local/Temp/cache.bin",
            "AppData/Local/Microsoft/Windows/UsrClass.dat", "AppData/Local/Microsoft/Windows/UsrClass.dat.LOG1", "Documents/~$report.docx",
            // A name no profile can hold (it ends with a period): were the folder walked and the name checked, the push would fail.
            "AppData/Local/Packages/odd./x.",
        ];
        foreach (var file in files)
        {
            var path = root.Combine(file.Split('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, [1]);
        }

        var listed = LocalFile.Enumerate(root.Path, ProfileFilter.Default);

        Assert.Equal(
            [@"AppData\Local\Microsoft\Windows\UsrClass.dat", @"AppData\Local\Microsoft\Windows\UsrClass.dat.LOG1", @"AppData\Roaming\Contoso\settings.ini", "NTUSER.DAT", "ntuser.dat.LOG1"],
            listed.Select(f => f.ProfilePath));
        Assert.Equal(root.Combine("AppData", "Roaming", "Contoso", "settings.ini"), listed[2].FullPath);
        var one = Assert.Single(LocalFile.Enumerate(root.Combine("Documents", "~$report.docx"), ProfileFilter.Default)); // one file named on its own is not filtered
        Assert.Equal("~$report.docx", one.ProfilePath);
    }
}
