using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>
/// The helper routes wrangler calls (docs/access.md, "Cloudflare's account routes"): what each credential sees, and the
/// refusals wrangler itself never provokes. WranglerTests shows that wrangler accepts the answers.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class CloudflareHelpersTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    private static readonly string[] Routes = ["/client/v4/user/tokens/verify", "/client/v4/user", "/client/v4/accounts", "/client/v4/memberships"];

    [Fact]
    public async Task ATokenSeesItselfAndItsOneAccount()
    {
        var account = await app.NewAccountAsync();
        var tokens = await Api.GetAsync($"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken);
        var writeTokenId = tokens.Result.EnumerateArray().Single(t => t.GetProperty("permission").GetString() == "write").GetProperty("id").GetString();

        var verify = await Api.GetAsync("/client/v4/user/tokens/verify", account.WriteToken);
        Assert.Equal((200, writeTokenId, "active"), (verify.Status, verify.Result.GetProperty("id").GetString(), verify.Result.GetProperty("status").GetString()));

        var user = await Api.GetAsync("/client/v4/user", account.WriteToken);
        Assert.Equal((writeTokenId, (string?)null), (user.Result.GetProperty("id").GetString(), user.Result.GetProperty("email").GetString()));

        var accounts = await Api.GetAsync("/client/v4/accounts", account.WriteToken);
        var only = Assert.Single(accounts.Result.EnumerateArray());
        Assert.Equal((account.Id, "test"), (only.GetProperty("id").GetString(), only.GetProperty("name").GetString()));
        Assert.Equal(1, accounts.Body.GetProperty("result_info").GetProperty("total_count").GetInt32());

        var memberships = await Api.GetAsync("/client/v4/memberships", account.ReadToken);
        var membership = Assert.Single(memberships.Result.EnumerateArray());
        Assert.Equal(account.Id, membership.GetProperty("account").GetProperty("id").GetString());
        Assert.Equal("Secrets Store Read", Assert.Single(membership.GetProperty("roles").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task AKeyIsAUserWithAnEmailButNotAToken()
    {
        var account = await app.NewAccountAsync();
        var created = await Api.PostAsync($"/admin/v1/accounts/{account.Id}/keys", app.AdminToken, new { email = "ops@example.com" });
        var headers = new Dictionary<string, string> { ["X-Auth-Email"] = "ops@example.com", ["X-Auth-Key"] = created.Result.GetProperty("key").GetString()! };

        var user = await Api.SendAsync(HttpMethod.Get, "/client/v4/user", null, headers: headers);
        Assert.Equal((200, "ops@example.com"), (user.Status, user.Result.GetProperty("email").GetString()));
        var memberships = await Api.SendAsync(HttpMethod.Get, "/client/v4/memberships", null, headers: headers);
        Assert.Equal("Secrets Store Write", memberships.Result[0].GetProperty("roles")[0].GetString());

        var verify = await Api.SendAsync(HttpMethod.Get, "/client/v4/user/tokens/verify", null, headers: headers);
        Assert.Equal((403, 9109), (verify.Status, verify.ErrorCode));
    }

    [Fact]
    public async Task ListsArePagedLikeTheOtherLists()
    {
        var account = await app.NewAccountAsync();
        var pastTheEnd = await Api.GetAsync("/client/v4/accounts?page=2&per_page=1", account.WriteToken);
        Assert.Equal(200, pastTheEnd.Status);
        Assert.Equal(0, pastTheEnd.Result.GetArrayLength());
        var info = pastTheEnd.Body.GetProperty("result_info");
        Assert.Equal((2, 1, 0, 1, 1), (info.GetProperty("page").GetInt32(), info.GetProperty("per_page").GetInt32(),
            info.GetProperty("count").GetInt32(), info.GetProperty("total_count").GetInt32(), info.GetProperty("total_pages").GetInt32()));

        var tooMany = await Api.GetAsync("/client/v4/memberships?per_page=101", account.WriteToken);
        Assert.Equal((400, 1001), (tooMany.Status, tooMany.ErrorCode));
        Assert.StartsWith("invalid_paging", tooMany.ErrorMessage);
    }

    [Fact]
    public async Task OtherCredentialsAreRefusedInTheUsualOrder()
    {
        var svc = await app.NewServiceAsync();
        foreach (var route in Routes)
        {
            Assert.Equal((400, 9106), await StatusAndCode(route, null));
            Assert.Equal((401, 10000), await StatusAndCode(route, "not-a-token"));
            Assert.Equal((403, 9109), await StatusAndCode(route, svc.Token));
            Assert.Equal((403, 9109), await StatusAndCode(route, app.AdminToken));
        }
    }

    private async Task<(int, int)> StatusAndCode(string route, string? token)
    {
        var response = await Api.GetAsync(route, token);
        return (response.Status, response.ErrorCode);
    }
}
