using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Clients;

/// <summary>
/// wrangler 4.x drives the running service (tests/clients/wrangler.test.mjs): every <c>secrets-store … --remote</c>
/// command with a token and an account id, with an account key and email, and with a token but no account id (so
/// wrangler finds the account through <c>/accounts</c> and <c>/memberships</c>), and <c>whoami</c>.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class WranglerTests(AppFixture app, ITestOutputHelper output)
{
    // About two minutes on two cores: ~60 wrangler processes of 1–2 s each.
    private static readonly TimeSpan TimeBound = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task WranglerWorksAgainstTheService()
    {
        var main = await NewAccountAsync("wrangler-main");
        // The token of an account that is the only one it can use: wrangler must pick exactly this one by itself.
        var solo = await NewAccountAsync("wrangler-solo");

        // Each flow deletes its store, but the default quota of one store would let a flow that failed halfway
        // fail the next flow on the same account too.
        var quota = await app.Api.PutAsync($"/admin/v1/accounts/{main.Id}/quota", app.AdminToken, new { secrets = (int?)null, stores = 3 });
        Assert.True(quota.Status == 200, $"quota answered {quota.Status}: {quota.Body}");
        var (email, key) = await app.NewKeyAsync(main.Id);

        await ClientSuite.AssertPassesAsync(
            "wrangler.test.mjs",
            new Dictionary<string, string>
            {
                ["SECRETSSTORE_BASE_URL"] = ClientSuite.BaseUrl(app),
                ["SECRETSSTORE_ACCOUNT_ID"] = main.Id,
                ["SECRETSSTORE_ACCOUNT_NAME"] = main.Name,
                ["SECRETSSTORE_ACCOUNT_TOKEN"] = main.Token,
                ["SECRETSSTORE_AUTH_EMAIL"] = email,
                ["SECRETSSTORE_AUTH_KEY"] = key,
                ["SECRETSSTORE_SOLO_ACCOUNT_ID"] = solo.Id,
                ["SECRETSSTORE_SOLO_ACCOUNT_NAME"] = solo.Name,
                ["SECRETSSTORE_SOLO_TOKEN"] = solo.Token,
            },
            TimeBound,
            output);
    }

    private sealed record WranglerAccount(string Id, string Name, string Token);

    private async Task<WranglerAccount> NewAccountAsync(string name)
    {
        var account = await app.Api.PostAsync("/admin/v1/accounts", app.AdminToken, new { name });
        Assert.True(account.Status == 200, $"account create answered {account.Status}: {account.Body}");
        var id = account.Result.GetProperty("id").GetString()!;
        var token = await app.Api.PostAsync($"/admin/v1/accounts/{id}/tokens", app.AdminToken, new { name = "wrangler", permission = "write" });
        Assert.True(token.Status == 200, $"token create answered {token.Status}: {token.Body}");
        return new WranglerAccount(id, name, token.Result.GetProperty("token").GetString()!);
    }
}
