using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.Rules;

public sealed class SecretListingTests
{
    private static readonly ScopeSet Scopes = new(ScopeSet.Defaults);
    private static readonly Guid StoreId = Guid.NewGuid();

    private static SecretRecord Secret(string name, string? comment = null, string[]? scopes = null, int minute = 0) =>
        new(Guid.NewGuid(), name, DateTime.UnixEpoch.AddMinutes(minute), DateTime.UnixEpoch.AddMinutes(-minute), comment, scopes ?? ["workers"], []);

    private static IEnumerable<string> Names(Outcome<Page<SecretView>> listed) => listed.Value!.Items.Select(s => s.Name);

    [Fact]
    public void EveryPublishedOrderHasItsOwnSortKey() =>
        Assert.Equal(ListQuery.SecretOrders.Order(), SecretListing.SortKeys.Keys.Order());

    [Fact]
    public void TheSearchMatchesNameOrCommentIgnoringCase()
    {
        var secrets = new[] { Secret("DATABASE_URL"), Secret("TOKEN", comment: "for the Database"), Secret("OTHER") };
        var listed = SecretListing.List(secrets, StoreId, new ListRequest(Search: "data", Order: "name", Direction: "asc"), Scopes);
        Assert.Equal(["DATABASE_URL", "TOKEN"], Names(listed));
    }

    [Fact]
    public void EveryScopeAskedForMustBeTheSecrets()
    {
        var secrets = new[] { Secret("A", scopes: ["workers"]), Secret("B", scopes: ["dex", "workers"]), Secret("C", scopes: ["dex"]) };
        var listed = SecretListing.List(secrets, StoreId, new ListRequest(Scopes: ["dex", "workers"]), Scopes);
        Assert.Equal(["B"], Names(listed));
    }

    [Fact]
    public void TheDefaultOrderIsNewestFirstAndModifiedSortsByItsOwnTime()
    {
        var secrets = new[] { Secret("OLD", minute: 1), Secret("NEW", minute: 2) };
        Assert.Equal(["NEW", "OLD"], Names(SecretListing.List(secrets, StoreId, new ListRequest(), Scopes)));
        Assert.Equal(["NEW", "OLD"], Names(SecretListing.List(secrets, StoreId, new ListRequest(Order: "modified", Direction: "asc"), Scopes)));
    }

    [Fact]
    public void CommentsSortWithTheUncommentedFirst()
    {
        var secrets = new[] { Secret("B", comment: "b"), Secret("NONE"), Secret("A", comment: "a") };
        var listed = SecretListing.List(secrets, StoreId, new ListRequest(Order: "comment", Direction: "asc"), Scopes);
        Assert.Equal(["NONE", "A", "B"], Names(listed));
    }

    [Fact]
    public void OrderingByStatusLeavesTheIdToDecide()
    {
        var secrets = Enumerable.Range(0, 5).Select(i => Secret($"S{i}")).ToList();
        var listed = SecretListing.List(secrets, StoreId, new ListRequest(Order: "status", Direction: "asc"), Scopes);
        Assert.Equal(secrets.Select(s => s.Id).Order(), listed.Value!.Items.Select(s => s.Id));
    }

    [Fact]
    public void AQueryThatIsNotValidIsRefusedAsInput()
    {
        var listed = SecretListing.List([Secret("A")], StoreId, new ListRequest(Order: "size"), Scopes);
        Assert.Equal("invalid_order: size", listed.Error!.Message);
    }

    [Fact]
    public void ThePageCountsEveryMatchAndShowsItsItemsAsViewsOfTheStore()
    {
        var secrets = Enumerable.Range(0, 5).Select(i => Secret($"S{i}")).ToList();
        var page = SecretListing.List(secrets, StoreId, new ListRequest(Page: "2", PerPage: "2", Order: "name", Direction: "asc"), Scopes).Value!;
        Assert.Equal(["S2", "S3"], page.Items.Select(s => s.Name));
        Assert.Equal((5, 2), (page.TotalCount, page.Number));
        Assert.All(page.Items, view => Assert.Equal((StoreId, "active"), (view.StoreId, view.Status)));
    }
}
