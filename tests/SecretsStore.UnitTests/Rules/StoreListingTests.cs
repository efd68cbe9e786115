using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;

namespace SecretsStore.UnitTests.Rules;

public sealed class StoreListingTests
{
    private static readonly Guid AccountId = Guid.NewGuid();

    private static StoreView Store(string name, string? managedBy = null, int minute = 0) =>
        new(Guid.NewGuid(), name, AccountId, DateTime.UnixEpoch.AddMinutes(minute), DateTime.UnixEpoch.AddMinutes(-minute), managedBy);

    private static readonly StoreView[] Stores = [Store("mine", minute: 1), Store("deploys", "deployer", minute: 2), Store("other", "builder", minute: 3)];

    private static string[] Names(Outcome<Page<StoreView>> listed) => listed.Value!.Items.Select(s => s.Name).ToArray();

    [Fact]
    public void EveryPublishedOrderHasItsOwnSortKey() =>
        Assert.Equal(ListQuery.StoreOrders.Order(), StoreListing.SortKeys.Keys.Order());

    [Fact]
    public void AnAccountPrincipalListsEveryStoreNewestFirst() =>
        Assert.Equal(["other", "deploys", "mine"], Names(StoreListing.List(Stores, Caller.Account(Permission.Read, "token:r"), new ListRequest())));

    [Fact]
    public void AServiceListsOnlyTheStoresItManages() =>
        Assert.Equal(["deploys"], Names(StoreListing.List(Stores, Caller.Service("deployer", null, AccountGrants.All), new ListRequest())));

    [Fact]
    public void StoresSortByNameOrByModified()
    {
        var reader = Caller.Account(Permission.Read, "token:r");
        Assert.Equal(["deploys", "mine", "other"], Names(StoreListing.List(Stores, reader, new ListRequest(Order: "name", Direction: "asc"))));
        Assert.Equal(["other", "deploys", "mine"], Names(StoreListing.List(Stores, reader, new ListRequest(Order: "modified", Direction: "asc"))));
    }

    [Fact]
    public void StoresHaveNoCommentOrderAndIgnoreAScopeFilter()
    {
        var reader = Caller.Account(Permission.Read, "token:r");
        Assert.Equal("invalid_order: comment", StoreListing.List(Stores, reader, new ListRequest(Order: "comment")).Error!.Message);
        Assert.Equal(3, StoreListing.List(Stores, reader, new ListRequest(Scopes: ["nope"])).Value!.TotalCount);
    }
}
