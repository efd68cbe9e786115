using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Rules;

public sealed class ListQueryTests
{
    private static readonly ScopeSet Scopes = new(ScopeSet.Defaults);

    private static Outcome<ListQuery> Parse(ListRequest request) => ListQuery.Parse(request, ListQuery.SecretOrders, Scopes);

    [Fact]
    public void DefaultsAreFirstPageOfTwentyNewestFirst()
    {
        var query = Parse(new ListRequest()).Value!;
        Assert.Equal((1, 20, "created", true), (query.Page, query.PerPage, query.Order, query.Descending));
    }

    [Fact]
    public void ZeroMeansTheDefault()
    {
        var query = Parse(new ListRequest(Page: "0", PerPage: "0")).Value!;
        Assert.Equal((1, 20), (query.Page, query.PerPage));
    }

    [Theory]
    [InlineData("1", "101")]
    [InlineData("-1", "10")]
    [InlineData("1", "-5")]
    [InlineData("x", "10")]
    [InlineData("1", "1.5")]
    public void OutOfBoundsOrNonIntegerPagingIsRefused(string page, string perPage) =>
        Assert.StartsWith("invalid_paging", Parse(new ListRequest(Page: page, PerPage: perPage)).Error!.Message);

    [Fact]
    public void UnknownOrderDirectionOrScopeIsRefused()
    {
        Assert.Equal("invalid_order: size", Parse(new ListRequest(Order: "size")).Error!.Message);
        Assert.Equal("invalid_direction: up", Parse(new ListRequest(Direction: "up")).Error!.Message);
        Assert.StartsWith("secret_scope_invalid: nope; valid scopes are ", Parse(new ListRequest(Scopes: ["nope"])).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoresCannotBeOrderedByComment() =>
        Assert.Equal("invalid_order: comment", ListQuery.Parse(new ListRequest(Order: "comment"), ListQuery.StoreOrders, null).Error!.Message);
}
