using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>A service is its name: its token can be revoked and rotated, and its stores stay with the name.</summary>
[Collection(AppCollection.Name)]
public sealed class ServicePrincipalTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    [Theory]
    [InlineData("UPPER")]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("a-name-that-is-far-too-long-for-a-service-because-it-has-more-than-64")]
    public async Task ServiceNamesAreOneTo64LowercaseCharacters(string name)
    {
        var response = await Api.PostAsync("/admin/v1/services", app.AdminToken, new { name, scopes = new[] { "workers" }, accounts = new[] { "*" } });
        Assert.Equal((400, "/name"), (response.Status, response.ErrorPointer));
    }

    [Fact]
    public async Task ServiceNamesAreUniqueAndListedWithoutTokens()
    {
        var created = await app.NewServiceAsync(["workers", "ai_gateway"]);
        var again = await Api.PostAsync("/admin/v1/services", app.AdminToken, new { name = created.Name, scopes = new[] { "workers" }, accounts = new[] { "*" } });
        Assert.Equal((409, $"service_name_already_exists: {created.Name}"), (again.Status, again.ErrorMessage));

        var list = await Api.GetAsync("/admin/v1/services", app.AdminToken);
        var listed = list.Result.EnumerateArray().Single(s => s.GetProperty("name").GetString() == created.Name);
        Assert.Equal(["ai_gateway", "workers"], listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["*"], listed.GetProperty("accounts").EnumerateArray().Select(s => s.GetString()));
        Assert.DoesNotContain(created.Token, list.Body.GetRawText());
    }

    [Fact]
    public async Task UnknownConsumerScopesAreRefused()
    {
        var response = await Api.PostAsync("/admin/v1/services", app.AdminToken, new { name = "scoped", scopes = new[] { "mars" }, accounts = new[] { "*" } });
        Assert.Equal((400, "secret_scope_invalid: mars", "/scopes/0"), (response.Status, response.ErrorMessageStarting("secret_scope_invalid: mars"), response.ErrorPointer));
    }

    [Fact]
    public async Task RotatingAServiceTokenRetiresTheOldOne()
    {
        var account = await app.NewAccountAsync();
        var svc = await app.NewServiceAsync();
        var stores = $"{TestService.Base(account.Id)}/stores";
        Assert.Equal(200, (await Api.GetAsync(stores, svc.Token)).Status);

        var rotated = await Api.PostAsync($"/admin/v1/services/{svc.Name}/token", app.AdminToken, null);
        var newToken = rotated.Result.GetProperty("token").GetString();
        Assert.Equal(401, (await Api.GetAsync(stores, svc.Token)).Status);
        Assert.Equal(200, (await Api.GetAsync(stores, newToken)).Status);
        Assert.Equal(404, (await Api.PostAsync("/admin/v1/services/no-such-service/token", app.AdminToken, null)).Status);
    }

    [Fact]
    public async Task DeletingAServiceRevokesItOnEveryNodeAndRecreatingTheNameRegainsItsStores()
    {
        var account = await app.NewAccountAsync();
        var svc = await app.NewServiceAsync();
        var stores = $"{TestService.Base(account.Id)}/stores";
        var created = await Api.PostAsync(stores, svc.Token, new { name = "kept", account_id = 9 });
        var store = created.Result.GetProperty("id").GetString();

        // A second silo of the same cluster, with its own gateway and its own credential cache.
        await using var secondNode = await TestHost.StartAsync(app.Settings);
        using var secondHttp = new HttpClient { BaseAddress = secondNode.BaseAddress };
        var second = new ApiClient(secondHttp);
        Assert.Equal(200, (await second.GetAsync($"{stores}/{store}", svc.Token)).Status);

        Assert.Equal(200, (await Api.DeleteAsync($"/admin/v1/services/{svc.Name}", app.AdminToken)).Status);
        Assert.Equal(401, (await Api.GetAsync($"{stores}/{store}", svc.Token)).Status);
        Assert.True(await BecomesUnauthorizedAsync(second, $"{stores}/{store}", svc.Token, TimeSpan.FromSeconds(20)),
            "the deleted service's token still worked on the second node after 20 seconds");

        var seenByAccount = await Api.GetAsync($"{account.Base}/stores/{store}", account.ReadToken);
        Assert.Equal(svc.Name, seenByAccount.Result.GetProperty("managed_by").GetString());

        var recreated = await Api.PostAsync("/admin/v1/services", app.AdminToken, new { name = svc.Name, scopes = new[] { "workers" }, accounts = new[] { "*" } });
        var newToken = recreated.Result.GetProperty("token").GetString();
        Assert.Equal(200, (await Api.GetAsync($"{stores}/{store}", newToken)).Status);
        Assert.Equal(200, (await second.GetAsync($"{stores}/{store}", newToken)).Status);
    }

    [Fact]
    public async Task AServiceWithoutAccountsIsRefusedSayingSo()
    {
        var response = await Api.PostAsync("/admin/v1/services", app.AdminToken, new { name = $"s{Guid.NewGuid():N}"[..20], scopes = new[] { "workers" } });
        Assert.Equal((400, 1001, "/accounts"), (response.Status, response.ErrorCode, response.ErrorPointer));
        Assert.Equal(
            "invalid_json_body: accounts must list the account ids the service may act in, or be [\"*\"] for every account; it is required",
            response.ErrorMessage);
    }

    [Theory]
    [InlineData(new[] { "*", "ACCOUNT" }, "/accounts/1")]
    [InlineData(new[] { "ACCOUNT", "*" }, "/accounts/0")]
    [InlineData(new[] { "not-an-id" }, "/accounts/0")]
    public async Task EveryAccountComesAloneAndAccountIdsAreIds(string[] accounts, string pointer)
    {
        var account = await app.NewAccountAsync();
        var body = new { name = $"s{Guid.NewGuid():N}"[..20], scopes = new[] { "workers" }, accounts = accounts.Select(a => a == "ACCOUNT" ? account.Id : a).ToArray() };
        var response = await Api.PostAsync("/admin/v1/services", app.AdminToken, body);
        Assert.Equal((400, 1001, "invalid_json_body", pointer), (response.Status, response.ErrorCode, response.ErrorMessageStarting("invalid_json_body"), response.ErrorPointer));
    }

    [Fact]
    public async Task AnAccountIdThatNamesNoAccountIs404PointingAtItAndMakesNoService()
    {
        var account = await app.NewAccountAsync();
        var name = $"s{Guid.NewGuid():N}"[..20];
        var response = await Api.PostAsync("/admin/v1/services", app.AdminToken, new { name, scopes = new[] { "workers" }, accounts = new[] { account.Id, Guid.NewGuid().ToString("N") } });
        Assert.Equal((404, 1001, "account_not_found", "/accounts/1"), (response.Status, response.ErrorCode, response.ErrorMessage, response.ErrorPointer));

        var list = await Api.GetAsync("/admin/v1/services", app.AdminToken);
        Assert.DoesNotContain(list.Result.EnumerateArray(), s => s.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task GrantsAreListedAndChangedOneAccountAtATime()
    {
        var (first, second) = (await app.NewAccountAsync(), await app.NewAccountAsync());
        var svc = await app.NewServiceAsync(accounts: [first.Id]);
        Assert.Equal([first.Id], await AccountsOfAsync(svc));

        Assert.Equal(200, (await Api.PutAsync($"/admin/v1/services/{svc.Name}/accounts/{second.Id}", app.AdminToken, null)).Status);
        Assert.Equal(200, (await Api.PutAsync($"/admin/v1/services/{svc.Name}/accounts/{second.Id}", app.AdminToken, null)).Status);
        Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), await AccountsOfAsync(svc));

        Assert.Equal(200, (await Api.DeleteAsync($"/admin/v1/services/{svc.Name}/accounts/{first.Id}", app.AdminToken)).Status);
        Assert.Equal([second.Id], await AccountsOfAsync(svc));
        var again = await Api.DeleteAsync($"/admin/v1/services/{svc.Name}/accounts/{first.Id}", app.AdminToken);
        Assert.Equal((404, "grant_not_found"), (again.Status, again.ErrorMessage));
    }

    [Fact]
    public async Task AGrantNamesAServiceAndAnAccountThatExist()
    {
        var account = await app.NewAccountAsync();
        var svc = await app.NewServiceAsync(accounts: [account.Id]);
        var noService = await Api.PutAsync($"/admin/v1/services/no-such-service/accounts/{account.Id}", app.AdminToken, null);
        var noAccount = await Api.PutAsync($"/admin/v1/services/{svc.Name}/accounts/{Guid.NewGuid():N}", app.AdminToken, null);
        var notAnId = await Api.PutAsync($"/admin/v1/services/{svc.Name}/accounts/not-an-id", app.AdminToken, null);
        Assert.Equal((404, "service_not_found"), (noService.Status, noService.ErrorMessage));
        Assert.Equal((404, "account_not_found"), (noAccount.Status, noAccount.ErrorMessage));
        Assert.Equal((404, "account_not_found"), (notAnId.Status, notAnId.ErrorMessage));
    }

    [Fact]
    public async Task APlatformWideServiceIsNarrowedByGrantingItsAccountsThenRevokingEveryAccount()
    {
        var (kept, dropped) = (await app.NewAccountAsync(), await app.NewAccountAsync());
        var svc = await app.NewServiceAsync();
        Assert.Equal(200, (await Api.PutAsync($"/admin/v1/services/{svc.Name}/accounts/{kept.Id}", app.AdminToken, null)).Status);
        Assert.Equal(["*", kept.Id], await AccountsOfAsync(svc));
        Assert.Equal(200, (await Api.GetAsync($"{TestService.Base(dropped.Id)}/stores", svc.Token)).Status);

        Assert.Equal(200, (await Api.DeleteAsync($"/admin/v1/services/{svc.Name}/accounts/*", app.AdminToken)).Status);
        Assert.Equal([kept.Id], await AccountsOfAsync(svc));
        Assert.Equal(200, (await Api.GetAsync($"{TestService.Base(kept.Id)}/stores", svc.Token)).Status);
        Assert.Equal(404, (await Api.GetAsync($"{TestService.Base(dropped.Id)}/stores", svc.Token)).Status);

        Assert.Equal(200, (await Api.PutAsync($"/admin/v1/services/{svc.Name}/accounts/*", app.AdminToken, null)).Status);
        Assert.Equal(200, (await Api.GetAsync($"{TestService.Base(dropped.Id)}/stores", svc.Token)).Status);
    }

    private async Task<string[]> AccountsOfAsync(TestService service)
    {
        var list = await Api.GetAsync("/admin/v1/services", app.AdminToken);
        return list.Result.EnumerateArray().Single(s => s.GetProperty("name").GetString() == service.Name)
            .GetProperty("accounts").EnumerateArray().Select(a => a.GetString()!).ToArray();
    }

    private static async Task<bool> BecomesUnauthorizedAsync(ApiClient api, string path, string token, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if ((await api.GetAsync(path, token)).Status == 401)
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }
}
