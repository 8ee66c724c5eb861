using Orleans.Profiles.Admin;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary>The filters, order and page tokens of <c>admin list</c>.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class DirectoryQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private static readonly ProfileListing Alice = new(@"contoso\alice", 3, 3, 5L << 30, Now.AddDays(-10), "WS-01",
        [new OpenUpload("WS-02", Now.AddHours(-30))], [Now.AddDays(-1)], [new DamagedHiveRefusal(Now.AddHours(-2), "WS-09", "NTUSER.DAT")]);

    [Theory]
    [InlineData("account~ALI", true)]
    [InlineData(@"account=CONTOSO\Alice", true)]
    [InlineData("account!=contoso\\alice", false)]
    [InlineData("machine=ws-01", true)]
    [InlineData("bytes>=5G", true)]
    [InlineData("bytes>5G", false)]
    [InlineData("snapshots=3", true)]
    [InlineData("open-uploads>0", true)]
    [InlineData("conflicts=1", true)]
    [InlineData("damaged-hives>=1", true)]
    [InlineData("last-commit>7d", true)]
    [InlineData("last-commit<240h", false)]
    [InlineData("upload-age>1d", true)]
    [InlineData(" upload-age < 29h ", false)]
    public void A_term_matches_what_its_field_holds(string term, bool matches)
        => Assert.Equal(matches, DirectoryFilter.Parse([term]).Matches(Alice, Now));

    [Theory]
    [InlineData("bogus>1", "\"bogus\" is not a field; the fields are account, machine, bytes, snapshots, open-uploads, conflicts, damaged-hives, last-commit, upload-age")]
    [InlineData("bytes>lots", "\"lots\" is not a size (bytes, or a number with K, M, G or T)")]
    [InlineData("bytes~1", "a number, size or age takes = != > >= < <=, not ~")]
    [InlineData("account>a", "a text field takes =, != or ~, not >")]
    [InlineData("last-commit>7", "\"7\" is not an age (a number with m, h or d)")]
    [InlineData("open-uploads", "\"open-uploads\" is not FIELD OP VALUE (e.g. open-uploads>0, bytes>=1G, last-commit>7d, account~smith)")]
    [InlineData("conflicts>-1", "\"-1\" is not a count")]
    public void A_bad_term_is_refused_with_what_is_wrong(string term, string problem)
        => Assert.Equal($"The directory query is not valid: {problem}.", Assert.Throws<InvalidDirectoryQueryException>(() => DirectoryFilter.Parse([term])).Message);

    [Fact]
    public void A_token_reads_back_only_for_its_own_query()
    {
        var filter = DirectoryFilter.Parse(["open-uploads>0", "bytes>1G"]);
        var sameFilterOtherOrder = DirectoryFilter.Parse(["BYTES>1g", "open-uploads>0"]);
        var fingerprint = DirectoryPageToken.Fingerprint(filter, ProfileSort.Size, 7);
        var last = DirectoryOrder.Of(Alice, ProfileSort.Size);
        var token = DirectoryPageToken.Encode(fingerprint, last);

        Assert.Equal(last, DirectoryPageToken.Decode(token, DirectoryPageToken.Fingerprint(sameFilterOtherOrder, ProfileSort.Size, 7)));
        foreach (var other in new[] { DirectoryPageToken.Fingerprint(filter, ProfileSort.Account, 7), DirectoryPageToken.Fingerprint(filter, ProfileSort.Size, 8), DirectoryPageToken.Fingerprint(DirectoryFilter.Parse([]), ProfileSort.Size, 7) })
        {
            Assert.Contains("issued for another query", Assert.Throws<InvalidPageTokenException>(() => DirectoryPageToken.Decode(token, other)).Message, StringComparison.Ordinal);
        }

        foreach (var junk in new[] { "", "!!!", "AAAA", token[..10] })
        {
            Assert.Equal("The page token is refused: it is not a page token of this store.", Assert.Throws<InvalidPageTokenException>(() => DirectoryPageToken.Decode(junk, fingerprint)).Message);
        }
    }

    [Fact]
    public void Orders_put_the_largest_and_the_newest_first_and_break_ties_by_account()
    {
        var bob = Alice with { Account = @"contoso\bob", RetainedBytes = 1, LastCommitAt = Now };
        var carol = Alice with { Account = @"contoso\carol", LastCommitAt = null };
        var all = new[] { carol, bob, Alice };
        Assert.Equal([@"contoso\alice", @"contoso\carol", @"contoso\bob"], all.OrderBy(p => DirectoryOrder.Of(p, ProfileSort.Size)).Select(p => p.Account));
        Assert.Equal([@"contoso\bob", @"contoso\alice", @"contoso\carol"], all.OrderBy(p => DirectoryOrder.Of(p, ProfileSort.LastCommit)).Select(p => p.Account));
        Assert.Equal([@"contoso\alice", @"contoso\bob", @"contoso\carol"], all.OrderBy(p => DirectoryOrder.Of(p, ProfileSort.Account)).Select(p => p.Account));
    }
}
