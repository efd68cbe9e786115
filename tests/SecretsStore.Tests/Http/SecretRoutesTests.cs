using System.Text.Json;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

[Collection(AppCollection.Name)]
public sealed class SecretRoutesTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    private async Task<(TestAccount Account, string Store)> NewStoreAsync()
    {
        var account = await app.NewAccountAsync();
        return (account, await Api.CreateStoreAsync(account));
    }

    [Fact]
    public async Task ABatchIsCreatedInRequestOrderWithCanonicalScopesAndNoValue()
    {
        var (account, store) = await NewStoreAsync();
        var response = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, new object[]
        {
            new { name = "B", value = "1", scopes = new[] { "workers", "ai_gateway", "workers" } },
            new { name = "A", value = "2", scopes = new[] { "dex" }, comment = "hello" },
        });
        Assert.Equal(200, response.Status);
        Assert.Equal(["B", "A"], response.Names());
        var first = response.Result[0];
        Assert.Equal(["ai_gateway", "workers"], first.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("comment").ValueKind);
        Assert.Equal("active", first.GetProperty("status").GetString());
        Assert.Equal(store, first.GetProperty("store_id").GetString());
        Assert.False(first.TryGetProperty("value", out _));
        Assert.Equal("hello", response.Result[1].GetProperty("comment").GetString());
    }

    [Fact]
    public async Task ABatchWithOneBadItemCreatesNothing()
    {
        var (account, store) = await NewStoreAsync();
        var response = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, new object[]
        {
            new { name = "good", value = "1", scopes = new[] { "workers" } },
            new { name = "bad", value = "", scopes = new[] { "workers" } },
        });
        Assert.Equal((400, "secret_value_empty", "/1/value"), (response.Status, response.ErrorToken, response.ErrorPointer));
        Assert.Equal(0, (await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Result.GetArrayLength());
    }

    [Fact]
    public async Task ABatchReusingANameCreatesNothing()
    {
        var (account, store) = await NewStoreAsync();
        await Api.CreateSecretAsync(account, store, "taken");
        var inStore = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, new object[]
        {
            new { name = "fresh", value = "1", scopes = new[] { "workers" } },
            new { name = "taken", value = "1", scopes = new[] { "workers" } },
        });
        Assert.Equal((409, 1003, "secret_name_already_exists: taken", "/1/name"),
            (inStore.Status, inStore.ErrorCode, inStore.ErrorMessage, inStore.ErrorPointer));

        var inRequest = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, new object[]
        {
            new { name = "dup", value = "1", scopes = new[] { "workers" } },
            new { name = "dup", value = "2", scopes = new[] { "workers" } },
        });
        Assert.Equal(409, inRequest.Status);
        Assert.Equal(["taken"], (await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Names());
    }

    [Theory]
    [InlineData("{\"name\":\"a\"}", "invalid_json_body: expected an array of secrets")]
    [InlineData("[]", "invalid_json_body: expected 1 to 100 secrets")]
    [InlineData("[{\"name\":\"a\",\"value\":\"v\"}]", "secret_scopes_empty")]
    [InlineData("[{\"name\":\"a\",\"value\":\"v\",\"scopes\":[\"mars\"]}]", "secret_scope_invalid: mars")]
    [InlineData("[{\"name\":\"a\",\"value\":7,\"scopes\":[\"workers\"]}]", "invalid_json_body: value must be a string")]
    [InlineData("[{\"name\":\"a b\",\"value\":\"v\",\"scopes\":[\"workers\"]}]", "secret_name_invalid")]
    public async Task MalformedBatchesAre400(string body, string message)
    {
        var (account, store) = await NewStoreAsync();
        var response = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, body);
        Assert.Equal((400, 1001, message), (response.Status, response.ErrorCode, response.ErrorMessageStarting(message)));
    }

    [Fact]
    public async Task AValueOver65536BytesIsTooLong()
    {
        var (account, store) = await NewStoreAsync();
        var response = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken,
            new[] { new { name = "BIG", value = new string('x', 65_537), scopes = new[] { "workers" } } });
        Assert.Equal((400, 1001, "secret_value_too_long", "/0/value"), (response.Status, response.ErrorCode, response.ErrorToken, response.ErrorPointer));
    }

    [Fact]
    public async Task MoreThan100ItemsIsRefused()
    {
        var (account, store) = await NewStoreAsync();
        var items = Enumerable.Range(0, 101).Select(i => new { name = $"s{i}", value = "v", scopes = new[] { "workers" } });
        var response = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, items);
        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task ListingSearchesNamesAndCommentsAndFiltersByEveryScopeInBothForms()
    {
        var (account, store) = await NewStoreAsync();
        await Api.CreateSecretAsync(account, store, "DATABASE_PASSWORD", scopes: ["workers", "dex"]);
        await Api.CreateSecretAsync(account, store, "API_KEY", scopes: ["workers"], comment: "for the database");
        await Api.CreateSecretAsync(account, store, "OTHER", scopes: ["dex"]);
        var secrets = $"{account.Base}/stores/{store}/secrets";

        Assert.Equal(["API_KEY", "DATABASE_PASSWORD"], (await Api.GetAsync($"{secrets}?search=data&order=name&direction=asc", account.ReadToken)).Names());
        Assert.Equal(["DATABASE_PASSWORD"], (await Api.GetAsync($"{secrets}?scopes=workers&scopes=dex", account.ReadToken)).Names());
        Assert.Equal(["DATABASE_PASSWORD"], (await Api.GetAsync($"{secrets}?scopes=workers,dex", account.ReadToken)).Names());
        Assert.Equal(["OTHER", "DATABASE_PASSWORD"], (await Api.GetAsync($"{secrets}?scopes=dex&order=name&direction=desc", account.ReadToken)).Names());
        Assert.Equal(400, (await Api.GetAsync($"{secrets}?scopes=mars", account.ReadToken)).Status);
    }

    [Fact]
    public async Task PagesOfSecretsWithEqualSortKeysNeitherOverlapNorSkip()
    {
        var (account, store) = await NewStoreAsync();
        var items = Enumerable.Range(0, 25).Select(i => new { name = $"s{i:00}", value = "v", scopes = new[] { "workers" } });
        Assert.Equal(200, (await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, items)).Status);

        // All 25 share one created timestamp, so only the tie-break by id orders them.
        var seen = new List<string>();
        for (var page = 1; page <= 4; page++)
        {
            var response = await Api.GetAsync($"{account.Base}/stores/{store}/secrets?per_page=10&page={page}", account.ReadToken);
            seen.AddRange(response.Names());
        }

        Assert.Equal(25, seen.Count);
        Assert.Equal(25, seen.Distinct().Count());
    }

    [Fact]
    public async Task PatchMovesModifiedForAnyValueAndForScopesOrCommentOnlyWhenTheyDiffer()
    {
        var (account, store) = await NewStoreAsync();
        var secret = await Api.CreateSecretAsync(account, store, "PATCHED", value: "one", comment: "c");
        var path = $"{account.Base}/stores/{store}/secrets/{secret.GetProperty("id").GetString()}";

        var unchanged = await Api.PatchAsync(path, account.WriteToken, new { comment = "c", scopes = new[] { "workers" } });
        Assert.Equal(secret.GetProperty("modified").GetString(), unchanged.Result.GetProperty("modified").GetString());

        // A value is never compared with the one stored (docs/api.md): the same value is a change like any other.
        var sameValue = await Api.PatchAsync(path, account.WriteToken, new { value = "one", comment = "c", scopes = new[] { "workers" } });
        Assert.Equal(200, sameValue.Status);
        Assert.NotEqual(secret.GetProperty("modified").GetString(), sameValue.Result.GetProperty("modified").GetString());

        await Task.Delay(5);
        var changed = await Api.PatchAsync(path, account.WriteToken, new { scopes = new[] { "dex", "access" }, comment = (string?)null });
        Assert.Equal(200, changed.Status);
        Assert.Equal(["access", "dex"], changed.Result.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(JsonValueKind.Null, changed.Result.GetProperty("comment").ValueKind);
        Assert.NotEqual(sameValue.Result.GetProperty("modified").GetString(), changed.Result.GetProperty("modified").GetString());
        Assert.Equal(secret.GetProperty("created").GetString(), changed.Result.GetProperty("created").GetString());

        var newValue = await Api.PatchAsync(path, account.WriteToken, new { value = "two" });
        Assert.NotEqual(changed.Result.GetProperty("modified").GetString(), newValue.Result.GetProperty("modified").GetString());
    }

    [Fact]
    public async Task PatchRefusesRenamesAndBadFields()
    {
        var (account, store) = await NewStoreAsync();
        var secret = await Api.CreateSecretAsync(account, store, "FIXED");
        var path = $"{account.Base}/stores/{store}/secrets/{secret.GetProperty("id").GetString()}";

        Assert.Equal("secret_name_immutable", (await Api.PatchAsync(path, account.WriteToken, new { name = "OTHER" })).ErrorToken);
        Assert.Equal(200, (await Api.PatchAsync(path, account.WriteToken, new { name = "FIXED" })).Status);
        Assert.Equal("secret_value_empty", (await Api.PatchAsync(path, account.WriteToken, new { value = "" })).ErrorToken);
        Assert.Equal("secret_scopes_empty", (await Api.PatchAsync(path, account.WriteToken, new { scopes = Array.Empty<string>() })).ErrorToken);
        Assert.Equal("secret_comment_too_long", (await Api.PatchAsync(path, account.WriteToken, new { comment = new string('c', 1025) })).ErrorToken);
    }

    [Fact]
    public async Task DeleteAnswers202AndTheSecretIsGone()
    {
        var (account, store) = await NewStoreAsync();
        var secret = await Api.CreateSecretAsync(account, store, "GONE");
        var path = $"{account.Base}/stores/{store}/secrets/{secret.GetProperty("id").GetString()}";
        var deleted = await Api.DeleteAsync(path, account.WriteToken);
        Assert.Equal(202, deleted.Status);
        Assert.True(deleted.Success);
        Assert.Equal(JsonValueKind.Null, deleted.Result.ValueKind);
        Assert.Equal((404, "secret_not_found"), ((await Api.GetAsync(path, account.ReadToken)).Status, (await Api.GetAsync(path, account.ReadToken)).ErrorMessage));
        Assert.Equal(404, (await Api.DeleteAsync(path, account.WriteToken)).Status);
    }

    [Fact]
    public async Task BulkDeleteTakesBothBodyFormsAndDeletesExactlyThoseIds()
    {
        var (account, store) = await NewStoreAsync();
        var a = (await Api.CreateSecretAsync(account, store, "A")).GetProperty("id").GetString();
        var b = (await Api.CreateSecretAsync(account, store, "B")).GetProperty("id").GetString();
        await Api.CreateSecretAsync(account, store, "C");
        var secrets = $"{account.Base}/stores/{store}/secrets";

        Assert.Equal(202, (await Api.DeleteAsync(secrets, account.WriteToken, new { ids = new[] { a } })).Status);
        Assert.Equal(202, (await Api.DeleteAsync(secrets, account.WriteToken, new[] { new { id = b!.ToUpperInvariant() } })).Status);
        Assert.Equal(["C"], (await Api.GetAsync(secrets, account.ReadToken)).Names());
    }

    [Fact]
    public async Task BulkDeleteWithOneUnknownIdDeletesNothing()
    {
        var (account, store) = await NewStoreAsync();
        var a = (await Api.CreateSecretAsync(account, store, "A")).GetProperty("id").GetString();
        var secrets = $"{account.Base}/stores/{store}/secrets";
        var response = await Api.DeleteAsync(secrets, account.WriteToken, new { ids = new[] { a, Guid.NewGuid().ToString("N") } });
        Assert.Equal((404, "secret_not_found"), (response.Status, response.ErrorMessage));
        Assert.Equal(["A"], (await Api.GetAsync(secrets, account.ReadToken)).Names());
    }

    [Theory]
    [InlineData(null, "invalid_json_body: the request has no body")]
    [InlineData("{}", "invalid_json_body: expected {\"ids\": [...]}")]
    [InlineData("{\"ids\":[]}", "invalid_ids: expected 1 to 1000 ids")]
    [InlineData("{\"ids\":\"abc\"}", "invalid_ids: ids must be an array of strings")]
    public async Task BulkDeleteWithoutAUsableBodyDeletesNothing(string? body, string message)
    {
        var (account, store) = await NewStoreAsync();
        await Api.CreateSecretAsync(account, store, "KEEP");
        var secrets = $"{account.Base}/stores/{store}/secrets";
        var response = await Api.DeleteAsync(secrets, account.WriteToken, body);
        Assert.Equal((400, message), (response.Status, response.ErrorMessage));
        Assert.Equal(["KEEP"], (await Api.GetAsync(secrets, account.ReadToken)).Names());
    }

    [Fact]
    public async Task DuplicateMakesANewSecretThatCountsTowardQuota()
    {
        var (account, store) = await NewStoreAsync();
        var source = await Api.CreateSecretAsync(account, store, "SOURCE", value: "same-value");
        var path = $"{account.Base}/stores/{store}/secrets/{source.GetProperty("id").GetString()}/duplicate";
        var copy = await Api.PostAsync(path, account.WriteToken, new { name = "COPY", scopes = new[] { "dex" }, comment = "copied" });
        Assert.Equal(200, copy.Status);
        Assert.Equal("COPY", copy.Result.GetProperty("name").GetString());
        Assert.NotEqual(source.GetProperty("id").GetString(), copy.Result.GetProperty("id").GetString());
        Assert.Equal("copied", copy.Result.GetProperty("comment").GetString());

        // The copy holds the same value, as a service that may read it sees.
        var reader = await app.NewServiceAsync(["dex"]);
        Assert.Equal("same-value", await Api.ReadValueAsync(reader, account.Id, store, copy.Result.GetProperty("id").GetString()!));

        Assert.Equal(409, (await Api.PostAsync(path, account.WriteToken, new { name = "COPY", scopes = new[] { "dex" } })).Status);
        var quota = await Api.GetAsync($"{account.Base}/quota", account.ReadToken);
        Assert.Equal(2, quota.Result.GetProperty("secrets").GetProperty("usage").GetInt32());
    }

    [Fact]
    public async Task ASecretIdOfAnotherStoreIsNotFoundHere()
    {
        var account = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, null, 2);
        var first = await Api.CreateStoreAsync(account);
        var second = await Api.CreateStoreAsync(account);
        var secret = (await Api.CreateSecretAsync(account, first, "ELSEWHERE")).GetProperty("id").GetString();
        Assert.Equal(404, (await Api.GetAsync($"{account.Base}/stores/{second}/secrets/{secret}", account.ReadToken)).Status);
        Assert.Equal(404, (await Api.DeleteAsync($"{account.Base}/stores/{second}/secrets/{secret}", account.WriteToken)).Status);
    }

    [Fact]
    public async Task TheSecretQuotaHoldsAcrossABatch()
    {
        var (account, store) = await NewStoreAsync();
        await app.SetQuotaAsync(account, 3, null);
        var items = Enumerable.Range(0, 4).Select(i => new { name = $"s{i}", value = "v", scopes = new[] { "workers" } });
        var response = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, items);
        Assert.Equal((400, 1003, "maximum_secrets_exceeded"), (response.Status, response.ErrorCode, response.ErrorToken));
        Assert.Equal(0, (await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Result.GetArrayLength());
    }
}
