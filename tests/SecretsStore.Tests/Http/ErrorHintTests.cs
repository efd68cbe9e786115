using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>
/// docs/api.md, "Errors": a refusal's message starts with the token clients match on and goes on with a hint that
/// says what to do. A refused request changes nothing.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ErrorHintTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    private static void AssertHint(ApiResponse response, int status, int code, string token, params string[] hints)
    {
        Assert.Equal((status, code, token), (response.Status, response.ErrorCode, response.ErrorToken));
        Assert.StartsWith(token + ": ", response.ErrorMessage, StringComparison.Ordinal);
        foreach (var hint in hints)
        {
            Assert.Contains(hint, response.ErrorMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheStoreLimitRefusalGivesLimitUsageAndTheOperatorsRoute()
    {
        var account = await app.NewAccountAsync();
        await Api.CreateStoreAsync(account);
        var refused = await Api.PostAsync($"{account.Base}/stores", account.WriteToken, new { name = "second" });
        AssertHint(refused, 400, 1003, "maximum_stores_exceeded", "has 1 of its 1 store", $"/admin/v1/accounts/{account.Id}/quota");
        Assert.Single((await Api.GetAsync($"{account.Base}/stores", account.ReadToken)).Result.EnumerateArray());
    }

    [Fact]
    public async Task TheSecretLimitRefusalGivesLimitUsageAndTheOperatorsRoute()
    {
        var account = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, secrets: 2, stores: null);
        var store = await Api.CreateStoreAsync(account);
        await Api.CreateSecretAsync(account, store, "ONE");
        var refused = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, new[]
        {
            new { name = "TWO", value = "v", scopes = new[] { "workers" } },
            new { name = "THREE", value = "v", scopes = new[] { "workers" } },
        });
        AssertHint(refused, 400, 1003, "maximum_secrets_exceeded", "holds 1 of its 2 secrets and this request adds 2", $"PATCH /admin/v1/accounts/{account.Id}/quota");
        Assert.Equal(["ONE"], (await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Names());
    }

    [Fact]
    public async Task StoreNotEmptyMentionsForce()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        await Api.CreateSecretAsync(account, store, "KEEP");
        var refused = await Api.DeleteAsync($"{account.Base}/stores/{store}", account.WriteToken);
        AssertHint(refused, 409, 1003, "store_not_empty", "holds 1 secret", "?force=true");
        Assert.Equal(200, (await Api.GetAsync($"{account.Base}/stores/{store}", account.ReadToken)).Status);
    }

    [Fact]
    public async Task SizeRefusalsGiveTheLimit()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var secrets = $"{account.Base}/stores/{store}/secrets";
        var tooLong = await Api.PostAsync(secrets, account.WriteToken, new[] { new { name = "BIG", value = new string('x', 65_537), scopes = new[] { "workers" } } });
        AssertHint(tooLong, 400, 1001, "secret_value_too_long", "65536 bytes", "64 KiB");
        Assert.Equal("/0/value", tooLong.ErrorPointer);

        var longComment = await Api.PostAsync(secrets, account.WriteToken, new[] { new { name = "C", value = "v", scopes = new[] { "workers" }, comment = new string('c', 1025) } });
        AssertHint(longComment, 400, 1001, "secret_comment_too_long", "at most 1024 characters");
        Assert.Empty((await Api.GetAsync(secrets, account.ReadToken)).Names());
    }

    [Fact]
    public async Task ScopeRefusalsListTheValidScopes()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var secrets = $"{account.Base}/stores/{store}/secrets";
        var unknown = await Api.PostAsync(secrets, account.WriteToken, new[] { new { name = "S", value = "v", scopes = new[] { "worker" } } });
        AssertHint(unknown, 400, 1001, "secret_scope_invalid", "worker; valid scopes are workers, ai_gateway, dex, access, containers, websearch");
        Assert.Equal("/0/scopes/0", unknown.ErrorPointer);

        var none = await Api.PostAsync(secrets, account.WriteToken, new[] { new { name = "S", value = "v", scopes = Array.Empty<string>() } });
        AssertHint(none, 400, 1001, "secret_scopes_empty", "workers, ai_gateway");

        var filter = await Api.GetAsync($"{secrets}?scopes=worker", account.ReadToken);
        AssertHint(filter, 400, 1001, "secret_scope_invalid", "valid scopes are workers");
    }

    [Fact]
    public async Task NameRefusalsStateTheRule()
    {
        var account = await app.NewAccountAsync();
        const string rule = "1 to 255 characters of A-Z a-z 0-9 _ -";
        AssertHint(await Api.PostAsync($"{account.Base}/stores", account.WriteToken, new { name = "no spaces" }), 400, 1001, "store_name_invalid", rule);
        AssertHint(await Api.PostAsync($"{account.Base}/stores", account.WriteToken, new { }), 400, 1001, "store_name_empty", rule);

        var store = await Api.CreateStoreAsync(account);
        var secrets = $"{account.Base}/stores/{store}/secrets";
        AssertHint(await Api.PostAsync(secrets, account.WriteToken, new[] { new { name = "a.b", value = "v", scopes = new[] { "workers" } } }),
            400, 1001, "secret_name_invalid", rule);
        AssertHint(await Api.PostAsync(secrets, account.WriteToken, new[] { new { name = "", value = "v", scopes = new[] { "workers" } } }),
            400, 1001, "secret_name_empty", rule);

        var secret = await Api.CreateSecretAsync(account, store, "KEPT");
        var renamed = await Api.PatchAsync($"{secrets}/{secret.GetProperty("id").GetString()}", account.WriteToken, new { name = "OTHER" });
        AssertHint(renamed, 400, 1001, "secret_name_immutable", "duplicate the secret under the new name");
        Assert.Equal(["KEPT"], (await Api.GetAsync(secrets, account.ReadToken)).Names());
    }

    [Fact]
    public async Task EachForbiddenCaseSaysWhichItIs()
    {
        var account = await app.NewAccountAsync();
        const string token = "Unauthorized to access requested resource";

        var readWriting = await Api.PostAsync($"{account.Base}/stores", account.ReadToken, new { name = "x" });
        AssertHint(readWriting, 403, 9109, token, "read permission", "write permission");

        var adminOnAccount = await Api.GetAsync($"{account.Base}/stores", app.AdminToken);
        AssertHint(adminOnAccount, 403, 9109, token, "admin token opens only the /admin/v1 routes");

        var accountOnAdmin = await Api.GetAsync("/admin/v1/accounts", account.WriteToken);
        AssertHint(accountOnAdmin, 403, 9109, token, "/admin/v1 routes take only the operator's admin token");

        var svc = await app.NewServiceAsync();
        AssertHint(await Api.GetAsync($"{account.Base}/stores", svc.Token), 403, 9109, token, "service token opens only the system routes");
        AssertHint(await Api.GetAsync($"{TestService.Base(account.Id)}/stores", account.WriteToken), 403, 9109, token, "system routes take only service tokens");

        Assert.Empty((await Api.GetAsync($"{account.Base}/stores", account.ReadToken)).Result.EnumerateArray());
    }

    [Fact]
    public async Task TheAdminTokenOnTheSystemRoutesIsToldThoseTakeServiceTokens()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var id = (await Api.CreateSecretAsync(account, store, "READ_ME")).GetProperty("id").GetString();
        var system = TestService.Base(account.Id);
        foreach (var path in new[] { $"{system}/stores", $"{system}/stores/{store}/secrets/{id}/value", $"{system}/stores/{store}/secrets/by-name/READ_ME/value" })
        {
            var refused = await Api.GetAsync(path, app.AdminToken);
            AssertHint(refused, 403, 9109, "Unauthorized to access requested resource",
                "the admin token opens only the /admin/v1 routes; the system routes take only service tokens (POST /admin/v1/services makes one)");
            Assert.DoesNotContain("account token", refused.ErrorMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUnknownRevokedOrMalformedCredentialKeepsCloudflaresWordsAndSaysWhatToSend()
    {
        var account = await app.NewAccountAsync();
        var created = await Api.PostAsync($"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken, new { name = "gone", permission = "read" });
        var revoked = created.Result.GetProperty("token").GetString()!;
        Assert.Equal(200, (await Api.DeleteAsync($"/admin/v1/accounts/{account.Id}/tokens/{created.Result.GetProperty("id").GetString()}", app.AdminToken)).Status);
        var (email, key) = await app.NewKeyAsync(account.Id);
        const string unknownToken = "this token is unknown, revoked or malformed; send a current token as Authorization: Bearer <token>";
        var cases = new (string What, Dictionary<string, string> Headers, string Hint)[]
        {
            ("a token never issued", new() { ["Authorization"] = "Bearer not-a-real-token" }, unknownToken),
            ("a revoked token", new() { ["Authorization"] = $"Bearer {revoked}" }, unknownToken),
            ("a token cut short", new() { ["Authorization"] = $"Bearer {account.ReadToken[..^1]}" }, unknownToken),
            ("a token without Bearer", new() { ["Authorization"] = account.ReadToken },
                "the Authorization header takes a token as Bearer <token>; an account key goes in X-Auth-Email and X-Auth-Key instead"),
            ("a key with the wrong email", new() { ["X-Auth-Email"] = "someone@example.test", ["X-Auth-Key"] = key },
                "no account key matches this X-Auth-Email and X-Auth-Key; the key is unknown or deleted, or belongs to another email"),
        };
        foreach (var (what, headers, hint) in cases)
        {
            var refused = await Api.SendAsync(HttpMethod.Get, $"{account.Base}/stores", null, headers: headers);
            Assert.True((401, 10000, $"Authentication error: {hint}") == (refused.Status, refused.ErrorCode, refused.ErrorMessage), $"{what}: {refused.Status} {refused.Body}");
        }

        // The same credentials, sent right, work.
        Assert.Equal(200, (await Api.GetAsync($"{account.Base}/stores", account.ReadToken)).Status);
        Assert.Equal(200, (await Api.SendAsync(HttpMethod.Get, $"{account.Base}/stores", null,
            headers: new Dictionary<string, string> { ["X-Auth-Email"] = email, ["X-Auth-Key"] = key })).Status);
    }

    [Theory]
    [InlineData("since=yesterday", "invalid_audit_filter", "since; give an RFC 3339 time, e.g. 2026-01-31T09:00:00Z")]
    [InlineData("until=2026-13-45", "invalid_audit_filter", "until; give an RFC 3339 time, e.g. 2026-01-31T09:00:00Z")]
    [InlineData("action=secret.steal", "invalid_audit_filter", "action; valid actions are store.create, store.delete, secret.create")]
    [InlineData("secret_id=nope", "invalid_id", "secret_id; an id is 32 hex digits")]
    [InlineData("store_id=nope", "invalid_id", "store_id; an id is 32 hex digits")]
    public async Task AnAuditFilterThatIsNotWhatItTakesSaysWhatItTakes(string query, string token, string hint)
    {
        var account = await app.NewAccountAsync();
        AssertHint(await Api.GetAsync($"{account.Base}/audit?{query}", account.ReadToken), 400, 1001, token, hint);
        AssertHint(await Api.GetAsync($"/admin/v1/audit?{query}", app.AdminToken), 400, 1001, token, hint);
    }

    [Fact]
    public async Task TheTimeTheAuditHintGivesIsAccepted()
    {
        var account = await app.NewAccountAsync();
        var answered = await Api.GetAsync($"{account.Base}/audit?since=2026-01-31T09:00:00Z", account.ReadToken);
        Assert.True(answered.Status == 200, answered.Body.ToString());
    }

    [Fact]
    public async Task AnotherAccountsTokenHearsTheSameWhetherOrNotThatAccountExists()
    {
        var mine = await app.NewAccountAsync();
        var theirs = await app.NewAccountAsync();
        var existing = await Api.GetAsync($"{theirs.Base}/stores", mine.WriteToken);
        var missing = await Api.GetAsync($"/client/v4/accounts/{Guid.NewGuid():N}/secrets_store/stores", mine.WriteToken);

        AssertHint(existing, 403, 9109, "Unauthorized to access requested resource", "not for the account in the path");
        Assert.Equal(existing.Body.GetRawText(), missing.Body.GetRawText());
        Assert.Equal(existing.Status, missing.Status);

        // Writes too: the read-only check does not come first and give the game away.
        var write = await Api.PostAsync($"{theirs.Base}/stores", mine.WriteToken, new { name = "x" });
        var writeMissing = await Api.PostAsync($"/client/v4/accounts/{Guid.NewGuid():N}/secrets_store/stores", mine.WriteToken, new { name = "x" });
        Assert.Equal(write.Body.GetRawText(), writeMissing.Body.GetRawText());
    }

    [Theory]
    [InlineData("[{\"name\":\"A\",\"value\":\"v\",\"scopes\":[\"workers\"],\"coment\":\"c\"}]", "/0/coment", "coment (did you mean comment?)")]
    [InlineData("[{\"name\":\"A\",\"value\":\"v\",\"scopes\":[\"workers\"]},{\"name\":\"B\",\"value\":\"v\",\"scope\":[\"workers\"]}]", "/1/scope", "scope (did you mean scopes?)")]
    [InlineData("[{\"name\":\"A\",\"value\":\"v\",\"scopes\":[\"workers\"],\"a/b\":1}]", "/0/a~1b", "unknown field a/b;")]
    public async Task AnUnknownFieldInASecretCreateIsNamedWithItsPointerAndNothingIsCreated(string body, string pointer, string hint)
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var secrets = $"{account.Base}/stores/{store}/secrets";
        var refused = await Api.PostAsync(secrets, account.WriteToken, body);
        AssertHint(refused, 400, 1001, "invalid_json_body", hint, "this body takes name, value, scopes, comment");
        Assert.Equal(pointer, refused.ErrorPointer);
        Assert.Equal("false", refused.Header("x-should-retry"));
        Assert.Empty((await Api.GetAsync(secrets, account.ReadToken)).Names());
    }

    [Fact]
    public async Task UnknownFieldsAreRefusedInEveryBodyAndChangeNothing()
    {
        var account = await app.NewAccountAsync();
        Assert.Equal("/nmae", (await Api.PostAsync($"{account.Base}/stores", account.WriteToken, new { nmae = "x" })).ErrorPointer);
        Assert.Equal("/0/nmae", (await Api.PostAsync($"{account.Base}/stores", account.WriteToken, new[] { new { name = "x", nmae = "x" } })).ErrorPointer);
        Assert.Empty((await Api.GetAsync($"{account.Base}/stores", account.ReadToken)).Result.EnumerateArray());

        var store = await Api.CreateStoreAsync(account);
        var secret = await Api.CreateSecretAsync(account, store, "KEEP", comment: "before");
        var path = $"{account.Base}/stores/{store}/secrets/{secret.GetProperty("id").GetString()}";
        var patch = await Api.PatchAsync(path, account.WriteToken, new { comment = "after", scope = new[] { "dex" } });
        Assert.Equal((400, "/scope"), (patch.Status, patch.ErrorPointer));
        Assert.Equal("before", (await Api.GetAsync(path, account.ReadToken)).Result.GetProperty("comment").GetString());

        var duplicate = await Api.PostAsync($"{path}/duplicate", account.WriteToken, new { name = "COPY", scopes = new[] { "workers" }, value = "x" });
        Assert.Equal((400, "/value"), (duplicate.Status, duplicate.ErrorPointer));
        var bulk = await Api.DeleteAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, new { ids = new[] { secret.GetProperty("id").GetString() }, all = true });
        Assert.Equal((400, "/all"), (bulk.Status, bulk.ErrorPointer));
        Assert.Equal(["KEEP"], (await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Names());

        var quota = await Api.PatchAsync($"/admin/v1/accounts/{account.Id}/quota", app.AdminToken, new { secret = 5 });
        Assert.Equal((400, "/secret"), (quota.Status, quota.ErrorPointer));
        Assert.Contains("did you mean secrets?", quota.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(100, (await Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Result.GetProperty("secrets").GetProperty("quota").GetInt32());
    }
}
