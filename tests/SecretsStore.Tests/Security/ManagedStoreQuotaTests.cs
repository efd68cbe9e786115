using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 15: services could create unlimited stores in any account, since managed stores do not count toward
/// the account's store limit. One service now manages at most <c>SecretsStore:Quota:ManagedStores</c> (10) per account.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ManagedStoreQuotaTests(AppFixture app)
{
    private const int Limit = 10;

    private ApiClient Api => app.Api;

    [Fact]
    public async Task AServiceManagesAtMostTheConfiguredNumberOfStoresInEachAccount()
    {
        var (account, other) = (await app.NewAccountAsync(), await app.NewAccountAsync());
        var service = await app.NewServiceAsync(["workers"], [account.Id, other.Id]);
        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(200, (await CreateAsync(service, account, $"s{i}")).Status);
        }

        var refused = await CreateAsync(service, account, "one_too_many");
        Assert.Equal((400, 1003), (refused.Status, refused.ErrorCode));
        Assert.Equal(
            "maximum_stores_exceeded: this service manages 10 of its 10 stores in the account; delete one of them, or ask an operator to raise the limit (SecretsStore:Quota:ManagedStores)",
            refused.ErrorMessage);
        Assert.Equal(Limit, (await Api.GetAsync($"{TestService.Base(account.Id)}/stores?per_page=100", service.Token)).Result.GetArrayLength());

        // The limit is per service and per account; the account's own store limit is untouched by any of it.
        Assert.Equal(200, (await CreateAsync(service, other, "elsewhere")).Status);
        Assert.Equal(200, (await CreateAsync(await app.NewServiceAsync(["workers"], [account.Id]), account, "another_service")).Status);
        Assert.Equal(200, (await Api.PostAsync($"{account.Base}/stores", account.WriteToken, new { name = "own" })).Status);

        // A store deleted makes room again.
        var first = (await Api.GetAsync($"{TestService.Base(account.Id)}/stores?per_page=100", service.Token)).Result[0].GetProperty("id").GetString();
        Assert.Equal(200, (await Api.DeleteAsync($"{TestService.Base(account.Id)}/stores/{first}", service.Token)).Status);
        Assert.Equal(200, (await CreateAsync(service, account, "room_again")).Status);
    }

    private Task<ApiResponse> CreateAsync(TestService service, TestAccount account, string name) =>
        Api.PostAsync($"{TestService.Base(account.Id)}/stores", service.Token, new { name, account_id = 1 });
}
