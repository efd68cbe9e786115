using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Grants change what a service reaches the moment they are made, and a name re-created after a deletion (review
/// finding 15) regains only what its new grants allow.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ServiceGrantLifecycleTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    [Fact]
    public async Task AGrantTakesEffectAtOnceAndSoDoesItsRevocation()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var secret = (await Api.CreateSecretAsync(account, store, "API_KEY", "granted-value")).GetProperty("id").GetString();
        var service = await app.NewServiceAsync(["workers"], []);
        var value = $"{TestService.Base(account.Id)}/stores/{store}/secrets/{secret}/value";
        var grant = $"/admin/v1/services/{service.Name}/accounts/{account.Id}";

        // Asked first, so that the refusal is what this node's credential cache remembers.
        Assert.Equal((404, "account_not_found"), Answer(await Api.GetAsync(value, service.Token)));

        var granted = await Api.PutAsync(grant, app.AdminToken, null);
        Assert.Equal(200, granted.Status);
        Assert.Equal("granted-value", (await Api.GetAsync(value, service.Token)).Result.GetProperty("value").GetString());

        var revoked = await Api.DeleteAsync(grant, app.AdminToken);
        Assert.Equal(200, revoked.Status);
        Assert.Equal((404, "account_not_found"), Answer(await Api.GetAsync(value, service.Token)));

        // Both are recorded, in the account's trail (a tenant sees which services were given its account) and the operator's.
        var trail = await Api.GetAsync($"{account.Base}/audit?principal=operator", account.ReadToken);
        var changes = trail.Result.EnumerateArray()
            .Where(r => r.GetProperty("subject").GetString() == $"service:{service.Name}")
            .Select(r => (r.GetProperty("action").GetString(), r.GetProperty("request_id").GetString()))
            .ToList();
        Assert.Equal([("service.revoke", revoked.Header("x-request-id")), ("service.grant", granted.Header("x-request-id"))], changes);
    }

    [Fact]
    public async Task ARecreatedServiceNameRegainsItsStoresOnlyInTheAccountsItIsGranted()
    {
        var (kept, lost) = (await app.NewAccountAsync(), await app.NewAccountAsync());
        var first = await app.NewServiceAsync(["workers"], [kept.Id, lost.Id]);
        var keptStore = await CreateManagedStoreAsync(first, kept);
        var lostStore = await CreateManagedStoreAsync(first, lost);
        Assert.Equal(200, (await Api.DeleteAsync($"/admin/v1/services/{first.Name}", app.AdminToken)).Status);

        var again = await Api.PostAsync("/admin/v1/services", app.AdminToken, new { name = first.Name, scopes = new[] { "workers" }, accounts = new[] { kept.Id } });
        Assert.Equal(200, again.Status);
        var token = again.Result.GetProperty("token").GetString();

        Assert.Equal(200, (await Api.GetAsync($"{TestService.Base(kept.Id)}/stores/{keptStore}", token)).Status);
        Assert.Equal((404, "account_not_found"), Answer(await Api.GetAsync($"{TestService.Base(lost.Id)}/stores/{lostStore}", token)));
        Assert.Equal((404, "account_not_found"), Answer(await Api.DeleteAsync($"{TestService.Base(lost.Id)}/stores/{lostStore}?force=true", token)));
        // The store it lost is still there, and still its predecessor's: the account sees it untouched.
        var seen = await Api.GetAsync($"{lost.Base}/stores/{lostStore}", lost.ReadToken);
        Assert.Equal((200, first.Name), (seen.Status, seen.Result.GetProperty("managed_by").GetString()));
    }

    private async Task<string> CreateManagedStoreAsync(TestService service, TestAccount account)
    {
        var created = await Api.PostAsync($"{TestService.Base(account.Id)}/stores", service.Token, new { name = "managed", account_id = 1 });
        Assert.True(created.Status == 200, $"managed store create answered {created.Status}: {created.Body}");
        return created.Result.GetProperty("id").GetString()!;
    }

    private static (int, string) Answer(ApiResponse response) => (response.Status, response.ErrorMessage);
}
