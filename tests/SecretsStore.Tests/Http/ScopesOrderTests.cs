using System.Text.Json;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>
/// Cloudflare answers a secret's <c>scopes</c> in alphabetical order, whatever order the client sent them in
/// (docs/api.md, "Objects"). Every route that renders a secret, on the account routes and the system routes alike,
/// answers them sorted and without repeats. No admin route renders a secret, so there is none to read here.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ScopesOrderTests(AppFixture app)
{
    private static readonly string[] Unsorted = ["workers", "dex", "ai_gateway", "dex", "access"];
    private static readonly string[] Sorted = ["access", "ai_gateway", "dex", "workers"];
    private static readonly string[] PatchedUnsorted = ["websearch", "containers", "access"];
    private static readonly string[] PatchedSorted = ["access", "containers", "websearch"];

    private ApiClient Api => app.Api;

    [Fact]
    public async Task TheAccountRoutesAnswerScopesSortedWhateverOrderTheyWereSentIn()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        await EveryRouteAnswersSortedAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, account.ReadToken);
    }

    [Fact]
    public async Task TheSystemRoutesAnswerScopesSortedWhateverOrderTheyWereSentIn()
    {
        var account = await app.NewAccountAsync();
        var owner = await app.NewServiceAsync(["workers", "ai_gateway", "dex", "access", "containers", "websearch"], [account.Id]);
        var created = await Api.PostAsync($"{TestService.Base(account.Id)}/stores", owner.Token, new { name = "scopes_order", account_id = 1 });
        Assert.Equal(200, created.Status);
        var secrets = $"{TestService.Base(account.Id)}/stores/{created.Result.GetProperty("id").GetString()}/secrets";
        await EveryRouteAnswersSortedAsync(secrets, owner.Token, owner.Token);
    }

    private async Task EveryRouteAnswersSortedAsync(string secrets, string writer, string reader)
    {
        // Bulk create: every item of the batch, each in its own unsorted order.
        var created = await Api.PostAsync(secrets, writer, new object[]
        {
            new { name = "FIRST", value = "v", scopes = Unsorted },
            new { name = "SECOND", value = "v", scopes = new[] { "workers", "access" } },
        });
        Assert.Equal(200, created.Status);
        Assert.Equal(Sorted, ScopesOf(created.Result[0]));
        Assert.Equal(new[] { "access", "workers" }, ScopesOf(created.Result[1]));
        var id = created.Result[0].GetProperty("id").GetString();

        var single = await Api.PostAsync(secrets, writer, new[] { new { name = "ONE", value = "v", scopes = new[] { "dex", "access" } } });
        Assert.Equal(new[] { "access", "dex" }, ScopesOf(single.Result[0]));

        var got = await Api.GetAsync($"{secrets}/{id}", reader);
        Assert.Equal(Sorted, ScopesOf(got.Result));

        var listed = await Api.GetAsync(secrets, reader);
        Assert.Equal(Sorted, ScopesOf(listed.Result.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "FIRST")));

        var duplicated = await Api.PostAsync($"{secrets}/{id}/duplicate", writer, new { name = "COPY", scopes = new[] { "workers", "dex", "ai_gateway" } });
        Assert.Equal(200, duplicated.Status);
        Assert.Equal(new[] { "ai_gateway", "dex", "workers" }, ScopesOf(duplicated.Result));

        var patched = await Api.PatchAsync($"{secrets}/{id}", writer, new { scopes = PatchedUnsorted });
        Assert.Equal(200, patched.Status);
        Assert.Equal(PatchedSorted, ScopesOf(patched.Result));
        Assert.Equal(PatchedSorted, ScopesOf((await Api.GetAsync($"{secrets}/{id}", reader)).Result));

        // A scope filter names scopes in any order too; the secrets it finds still answer them sorted.
        var filtered = await Api.GetAsync($"{secrets}?scopes=websearch,access", reader);
        Assert.Equal(PatchedSorted, ScopesOf(filtered.Result.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "FIRST")));
    }

    private static string[] ScopesOf(JsonElement secret) =>
        secret.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray();
}
