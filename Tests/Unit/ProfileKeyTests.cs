using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class ProfileKeyTests
{
    private static readonly Dictionary<string, string> UpnDomains = new() { ["contoso.com"] = "CONTOSO" };

    [Theory]
    [InlineData("CONTOSO\\Alice")]
    [InlineData("contoso\\alice")]
    [InlineData("Contoso\\ALICE")]
    [InlineData("alice@contoso.com")]
    [InlineData("Alice@CONTOSO.COM")]
    public void Spellings_of_one_account_normalise_to_one_key(string account)
    {
        var key = ProfileKey.Parse(account, UpnDomains);

        Assert.Equal("contoso\\alice", key.Value);
        Assert.Equal(ProfileKey.Parse("contoso\\alice"), key);
    }

    [Theory]
    [InlineData("alice@contoso.com", "alice@contoso.com")]
    [InlineData("Alice@Contoso.COM", "alice@contoso.com")]
    [InlineData("alice@fabrikam.com", "alice@fabrikam.com")]
    [InlineData("Alice", "alice")]
    [InlineData("FABRIKAM\\Bob.Smith", "fabrikam\\bob.smith")]
    public void A_upn_without_a_mapping_and_a_bare_name_keep_their_form(string account, string expected)
        => Assert.Equal(expected, ProfileKey.Parse(account).Value);

    [Fact]
    public void A_upn_with_an_unmapped_suffix_is_not_mapped()
        => Assert.Equal("bob@fabrikam.com", ProfileKey.Parse("Bob@Fabrikam.com", UpnDomains).Value);

    [Theory]
    [InlineData("CONTOSO\\Jose\u0301")]
    [InlineData("CONTOSO\\Jos\u00c9")]
    [InlineData("\u00c5SA@Contoso.com")]
    [InlineData("Contoso\\\u0130stanbul")]
    public void A_parsed_key_is_accepted_as_normalised(string account)
    {
        var key = ProfileKey.Parse(account);

        Assert.Equal(key, ProfileKey.ParseNormalized(key.Value));
        Assert.Equal(key, ProfileKey.Parse(key.Value.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("contoso\\ali\nce", "control character U+000A")]
    [InlineData("contoso\\ali\u0000ce", "control character U+0000")]
    [InlineData("contoso\\ali\u200Bce", "control character U+200B")]
    [InlineData("contoso\\ali\u2028ce", "control character U+2028")]
    [InlineData("contoso\\ali\tce", "control character U+0009")]
    [InlineData("a\\b\\c", "one separator at most")]
    [InlineData("contoso\\alice@contoso.com", "one separator at most")]
    [InlineData("alice@contoso@com", "one separator at most")]
    [InlineData("\\alice", "empty domain or user part")]
    [InlineData("contoso\\", "empty domain or user part")]
    [InlineData("@contoso.com", "empty part")]
    [InlineData("alice@", "empty part")]
    [InlineData("contoso\\al/ice", "'/'")]
    [InlineData("contoso\\al:ice", "':'")]
    [InlineData("contoso\\al*ice", "'*'")]
    [InlineData("contoso\\al?ice", "'?'")]
    [InlineData("contoso\\al\"ice", "'\"'")]
    [InlineData("contoso\\al<ice", "'<'")]
    [InlineData("contoso\\al>ice", "'>'")]
    [InlineData("contoso\\al|ice", "'|'")]
    [InlineData("contoso\\al[ice", "'['")]
    [InlineData("contoso\\al]ice", "']'")]
    [InlineData("contoso\\al;ice", "';'")]
    [InlineData("contoso\\al=ice", "'='")]
    [InlineData("contoso\\al,ice", "','")]
    [InlineData("contoso\\al+ice", "'+'")]
    [InlineData("contoso\\alice.", "end with a period")]
    [InlineData("contoso\\alice ", "end with a space")]
    [InlineData("contoso\\ alice", "start or end with a space")]
    [InlineData("contoso.\\alice", "end with a period")]
    [InlineData("contoso \\alice", "end with a space")]
    [InlineData("alice.", "end with a period")]
    [InlineData(" ", "start or end with a space")]
    public void A_bad_account_name_is_refused_with_a_reason(string account, string reason)
    {
        var error = Assert.Throws<InvalidProfileKeyException>(() => ProfileKey.Parse(account));

        Assert.Equal(account, error.Account);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.True(error.IsBadInput);
        Assert.False(ProfileKey.TryParse(account, out var key));
        Assert.Equal(default, key);
    }

    [Fact]
    public void A_null_account_is_refused()
    {
        var error = Assert.Throws<InvalidProfileKeyException>(() => ProfileKey.Parse(null));

        Assert.Equal("", error.Account);
        Assert.Equal("the account name is empty", error.Reason);
    }

    [Fact]
    public void The_length_limit_is_256_characters()
    {
        var longest = "contoso\\" + new string('a', ProfileKey.MaxLength - 8);
        Assert.Equal(256, longest.Length);
        Assert.Equal(longest, ProfileKey.Parse(longest).Value);

        var error = Assert.Throws<InvalidProfileKeyException>(() => ProfileKey.Parse(longest + "a"));
        Assert.Equal("the account name is longer than 256 characters", error.Reason);
    }

    [Fact]
    public void ParseNormalized_accepts_only_the_normalised_form()
    {
        Assert.Equal("contoso\\alice", ProfileKey.ParseNormalized("contoso\\alice").Value);

        var error = Assert.Throws<InvalidProfileKeyException>(() => ProfileKey.ParseNormalized("CONTOSO\\Alice"));
        Assert.Equal("CONTOSO\\Alice", error.Account);
        Assert.Equal("not normalised (use \"contoso\\alice\")", error.Reason);
        Assert.Throws<InvalidProfileKeyException>(() => ProfileKey.ParseNormalized("a\\b\\c"));
    }

    [Fact]
    public void A_storage_name_is_the_percent_encoded_key()
    {
        Assert.Equal("contoso%5calice", ProfileKey.Parse("CONTOSO\\Alice").StorageName);
        Assert.Equal("alice%40contoso.com", ProfileKey.Parse("alice@contoso.com").StorageName);
        Assert.Equal("contoso%5cj%c3%bcrgen", ProfileKey.Parse("contoso\\J\u00fcrgen").StorageName);
        Assert.Equal("%2ealice", ProfileKey.Parse(".alice").StorageName);
    }

    [Fact]
    public void Different_keys_have_different_storage_names_made_of_safe_characters()
    {
        string[] accounts =
        [
            "contoso\\alice", "contoso%5calice", "contoso_alice", "contoso.alice", "contoso-alice", "contosoalice",
            "alice@contoso.com", "alice%40contoso.com", "alice", ".alice", "..alice", "%2ealice", "contoso\\j\u00fcrgen",
            "contoso\\j%c3%bcrgen", "contoso\\\u00e9", "contoso\\\u4e2d\u6587", "a b", "a%20b", "a&b", "a'b", "a~b", "a!b",
        ];
        var names = accounts.Select(a => ProfileKey.Parse(a).StorageName).ToList();

        Assert.Equal(accounts.Length, names.Distinct(StringComparer.Ordinal).Count());
        foreach (var name in names)
        {
            Assert.Matches("^[a-z0-9._%-]+$", name);
            Assert.NotEqual(".", name);
            Assert.NotEqual("..", name);
            Assert.False(name.StartsWith('.'), name);
        }
    }

    [Theory]
    [InlineData(".", "%2e")]
    [InlineData("..", "%2e.")]
    [InlineData("", "")]
    [InlineData("A/B\\C", "%41%2f%42%5c%43")]
    public void StorageNames_never_give_a_dot_name_or_a_separator(string value, string expected)
        => Assert.Equal(expected, StorageNames.Encode(value));

    [Theory]
    [InlineData(256, 'a')]
    [InlineData(256, '\u4e2d')]
    [InlineData(160, '\u00e9')]
    public void Long_keys_get_a_bounded_storage_name_that_still_tells_them_apart(int length, char c)
    {
        var account = "contoso\\" + new string(c, length - 8);
        var other = "contoso\\" + new string(c, length - 9) + "b";

        var name = ProfileKey.Parse(account).StorageName;

        Assert.InRange(name.Length, 100, StorageNames.MaxLength);
        Assert.StartsWith("contoso%5c", name, StringComparison.Ordinal);
        Assert.Matches("^[a-z0-9._%-]+~[0-9a-f]{64}$", name);
        Assert.NotEqual(name, ProfileKey.Parse(other).StorageName);
        Assert.Equal(name, ProfileKey.Parse(account.ToUpperInvariant()).StorageName);
    }

    [Fact]
    public void A_name_at_the_limit_is_kept_as_it_is_and_one_more_character_is_hashed()
    {
        Assert.Equal(new string('a', StorageNames.MaxLength), StorageNames.Encode(new string('a', StorageNames.MaxLength)));
        Assert.Contains('~', StorageNames.Encode(new string('a', StorageNames.MaxLength + 1)));
    }
}
