using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 15: the account's number as services know it was kept from the first service to give one, so one
/// service could make every other's creates fail with <c>account_id_mismatch</c>. Each service now keeps its own.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ServiceAccountNumberTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    [Fact]
    public async Task OneServicesNumberForAnAccountNeverRefusesAnothers()
    {
        var account = await app.NewAccountAsync();
        var (first, second) = (await app.NewServiceAsync(accounts: [account.Id]), await app.NewServiceAsync(accounts: [account.Id]));

        Assert.Equal(200, (await CreateAsync(first, account, "first", 1001)).Status);
        Assert.Equal(200, (await CreateAsync(second, account, "second", 2002)).Status);

        // Each keeps the number it gave first.
        var mismatch = await CreateAsync(first, account, "first_again", 2002);
        Assert.Equal((400, "account_id_mismatch", "/account_id"), (mismatch.Status, mismatch.ErrorMessage, mismatch.ErrorPointer));
        Assert.Equal(200, (await CreateAsync(second, account, "second_again", 2002)).Status);
    }

    private Task<ApiResponse> CreateAsync(TestService service, TestAccount account, string name, long number) =>
        Api.PostAsync($"{TestService.Base(account.Id)}/stores", service.Token, new { name, account_id = number });
}
