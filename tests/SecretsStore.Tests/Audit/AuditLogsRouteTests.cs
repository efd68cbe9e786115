using System.Globalization;
using System.Text.Json;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Audit;

/// <summary>
/// <c>GET /client/v4/accounts/{account_id}/logs/audit</c> (Cloudflare's Audit Logs v2 shape) and the operator's
/// <c>/admin/v1/logs/audit</c>: required window, bounds, cursor paging that inserts cannot disturb, every exclusion
/// filter, the shape of each entry, and who may read.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AuditLogsRouteTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    private static string Logs(TestAccount account) => $"/client/v4/accounts/{account.Id}/logs/audit";

    private static string Time(DateTime time) => Uri.EscapeDataString(time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));

    /// <summary>A window around everything a test just did: the last hour, up to a minute from now.</summary>
    private static string Window() => $"since={Time(DateTime.UtcNow.AddHours(-1))}&before={Time(DateTime.UtcNow.AddMinutes(1))}";

    private static List<JsonElement> Entries(ApiResponse response)
    {
        Assert.True(response.Status == 200, $"{response.Status}: {response.Body}");
        return response.Result.EnumerateArray().ToList();
    }

    private static string? After(ApiResponse response) =>
        response.Body.GetProperty("result_info").TryGetProperty("cursors", out var cursors) ? cursors.GetProperty("after").GetString() : null;

    private static List<string> Ids(IEnumerable<JsonElement> entries) => entries.Select(e => e.GetProperty("id").GetString()!).ToList();

    /// <summary>An account with a store, two secrets (one duplicated, one patched), a value read, a refused create and a key.</summary>
    private async Task<(TestAccount Account, TestService Service, string Store, string A, string Copy, string Email, string Key, List<string> Values)> ActivityAsync()
    {
        var account = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, secrets: 200, stores: 5);
        var service = await app.NewServiceAsync(accounts: [account.Id]);
        var (email, key) = await app.NewKeyAsync(account.Id);
        var values = Enumerable.Range(0, 3).Select(i => $"canary{i}-{Guid.NewGuid():N}").ToList();
        var store = await Api.CreateStoreAsync(account, "audited");
        var a = (await Api.CreateSecretAsync(account, store, "A", values[0])).GetProperty("id").GetString()!;
        var secrets = $"{account.Base}/stores/{store}/secrets";
        Assert.Equal(200, (await Api.PatchAsync($"{secrets}/{a}", account.WriteToken, new { value = values[1] })).Status);
        var copy = (await Api.PostAsync($"{secrets}/{a}/duplicate", account.WriteToken, new { name = "A_COPY", scopes = new[] { "workers" } })).Result.GetProperty("id").GetString()!;
        Assert.Equal(409, (await Api.PostAsync(secrets, account.WriteToken, new[] { new { name = "A", value = values[2], scopes = new[] { "workers" } } })).Status);
        Assert.Equal(200, (await Api.GetAsync($"{TestService.Base(account.Id)}/stores/{store}/secrets/{a}/value", service.Token)).Status);
        return (account, service, store, a, copy, email, key, values);
    }

    [Fact]
    public async Task SinceAndBeforeAreRequiredAndEveryParameterIsCheckedOrRefused()
    {
        var account = await app.NewAccountAsync();
        var logs = Logs(account);
        var window = Window();
        foreach (var query in new[]
        {
            "", $"since={Time(DateTime.UtcNow.AddHours(-1))}", $"before={Time(DateTime.UtcNow)}", "since=yesterday&before=2030-01-01",
            "since=2026-01-01&before=2026-13-01", "since=2026-01-02&before=2026-01-01", "since=2026-01-01T00:00:00&before=2030-01-01",
            $"{window}&limit=0", $"{window}&limit=1001", $"{window}&limit=ten", $"{window}&direction=up", $"{window}&cursor=not-a-cursor",
            $"{window}&action=secret.create", $"{window}&action_type=view", $"{window}&action_type.not=steal", $"{window}&actor_type.not=robot",
            $"{window}&action_result.not=maybe", $"{window}&id.not=abc", $"{window}&raw_status_code.not=ok", $"{window}&raw_uri=/x",
            $"{window}&actor_ip_address.not=127.0.0.1", $"{window}&raw_user_agent.not=curl", $"{window}&product_category=secrets",
        })
        {
            var bad = await Api.GetAsync($"{logs}?{query}", account.ReadToken);
            Assert.True((400, 1001) == (bad.Status, bad.ErrorCode), $"{query}: {bad.Status} {bad.Body}");
            Assert.StartsWith("invalid_audit_filter: ", bad.ErrorMessage, StringComparison.Ordinal);
            Assert.Equal("false", bad.Header("x-should-retry"));
        }

        // Dates (UTC), RFC 3339 times with an offset, the bounds of limit, and both directions are accepted.
        foreach (var query in new[]
        {
            "since=2020-01-01&before=2100-01-01", "since=2020-01-01T00:00:00%2B02:00&before=2100-01-01T00:00:00.5Z",
            $"{window}&limit=1", $"{window}&limit=1000", $"{window}&direction=asc", $"{window}&direction=desc",
            $"{window}&zone_id.not=abc&zone_name.not=example.com", $"{window}&raw_method.not=GET&raw_uri.not=/x",
        })
        {
            Assert.True((await Api.GetAsync($"{logs}?{query}", account.ReadToken)).Status == 200, query);
        }

        // A cursor of one direction is refused in the other.
        var page = await Api.GetAsync($"{logs}?{window}&limit=1", account.ReadToken);
        var cursor = After(page);
        Assert.NotNull(cursor);
        Assert.Equal(400, (await Api.GetAsync($"{logs}?{window}&limit=1&direction=asc&cursor={cursor}", account.ReadToken)).Status);
    }

    [Fact]
    public async Task EntriesHaveCloudflaresShapeAndHoldNoValueAndNoCredential()
    {
        var (account, service, store, a, copy, email, key, values) = await ActivityAsync();
        var response = await Api.GetAsync($"{Logs(account)}?{Window()}&limit=1000", account.ReadToken);
        var entries = Entries(response);
        Assert.Equal(entries.Count, response.Body.GetProperty("result_info").GetProperty("count").GetInt32());
        Assert.Null(After(response));

        var byDescription = entries.ToLookup(e => e.GetProperty("action").GetProperty("description").GetString()!);
        // Newest first: the value read, then the refused create, the duplicate, the patch, the creates.
        Assert.Equal(
            ["Read secret value", "Create secret: secret_name_already_exists", "Duplicate secret", "Update secret", "Create secret", "Create store"],
            entries.Take(6).Select(e => e.GetProperty("action").GetProperty("description").GetString()));
        var times = entries.Select(e => e.GetProperty("action").GetProperty("time").GetDateTime()).ToList();
        Assert.Equal(times.OrderDescending(), times);

        var read = byDescription["Read secret value"].Single();
        Assert.Equal(("view", "success"), (read.GetProperty("action").GetProperty("type").GetString(), read.GetProperty("action").GetProperty("result").GetString()));
        Assert.Equal((service.Name, "delegated_service", "api_token"),
            (read.GetProperty("actor").GetProperty("id").GetString(), read.GetProperty("actor").GetProperty("type").GetString(), read.GetProperty("actor").GetProperty("context").GetString()));
        Assert.Equal((a, "secrets_store.secret", "secrets_store"),
            (read.GetProperty("resource").GetProperty("id").GetString(), read.GetProperty("resource").GetProperty("type").GetString(), read.GetProperty("resource").GetProperty("product").GetString()));
        Assert.Equal((account.Id, store, "audited", "A"),
            (read.GetProperty("resource").GetProperty("scope").GetProperty("account_id").GetString(), read.GetProperty("resource").GetProperty("scope").GetProperty("store_id").GetString(),
             read.GetProperty("resource").GetProperty("scope").GetProperty("store_name").GetString(), read.GetProperty("resource").GetProperty("scope").GetProperty("secret_name").GetString()));
        Assert.Equal(("GET", 200), (read.GetProperty("raw").GetProperty("method").GetString(), read.GetProperty("raw").GetProperty("status_code").GetInt32()));
        Assert.False(string.IsNullOrEmpty(read.GetProperty("raw").GetProperty("cf_ray_id").GetString()));
        Assert.Equal((account.Id, "test"), (read.GetProperty("account").GetProperty("id").GetString(), read.GetProperty("account").GetProperty("name").GetString()));

        var refused = byDescription["Create secret: secret_name_already_exists"].Single();
        Assert.Equal(("create", "failure", 409), (refused.GetProperty("action").GetProperty("type").GetString(), refused.GetProperty("action").GetProperty("result").GetString(), refused.GetProperty("raw").GetProperty("status_code").GetInt32()));
        var writer = refused.GetProperty("actor");
        Assert.Equal(("account", "api_token", "w"), (writer.GetProperty("type").GetString(), writer.GetProperty("context").GetString(), writer.GetProperty("token_name").GetString()));
        Assert.Equal(writer.GetProperty("id").GetString(), writer.GetProperty("token_id").GetString());

        var duplicate = byDescription["Duplicate secret"].Single();
        Assert.Equal((copy, a), (duplicate.GetProperty("resource").GetProperty("id").GetString(), duplicate.GetProperty("resource").GetProperty("request").GetProperty("duplicated_from_id").GetString()));
        Assert.Equal("update", byDescription["Update secret"].Single().GetProperty("action").GetProperty("type").GetString());

        var keyCreate = byDescription["Create API key"].Single();
        Assert.Equal(("cloudflare_admin", "account.api_key", email), (keyCreate.GetProperty("actor").GetProperty("type").GetString(), keyCreate.GetProperty("resource").GetProperty("type").GetString(), keyCreate.GetProperty("resource").GetProperty("id").GetString()));

        var body = response.Body.GetRawText();
        foreach (var needle in values.Concat([account.WriteToken, account.ReadToken, service.Token, key, app.AdminToken]))
        {
            Assert.DoesNotContain(needle, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryEntryCarriesItsRequestsMethodAndUriAndOnlyAValuePatchSaysTheValueWasModified()
    {
        var account = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, secrets: 200, stores: 5);
        var service = await app.NewServiceAsync(accounts: [account.Id]);
        var store = await Api.CreateStoreAsync(account, "requests");
        var doomed = await Api.CreateStoreAsync(account, "doomed");
        var secrets = $"{account.Base}/stores/{store}/secrets";
        var a = (await Api.CreateSecretAsync(account, store, "A", "first value")).GetProperty("id").GetString()!;
        var b = (await Api.CreateSecretAsync(account, store, "B", "other value")).GetProperty("id").GetString()!;
        var copy = (await Api.PostAsync($"{secrets}/{a}/duplicate", account.WriteToken, new { name = "A_COPY", scopes = new[] { "workers" } })).Result.GetProperty("id").GetString()!;
        Assert.Equal(200, (await Api.PatchAsync($"{secrets}/{a}", account.WriteToken, new { value = "second value" })).Status);
        Assert.Equal(200, (await Api.PatchAsync($"{secrets}/{b}", account.WriteToken, new { comment = "only a comment" })).Status);
        var read = $"{TestService.Base(account.Id)}/stores/{store}/secrets/{a}/value";
        Assert.Equal(200, (await Api.GetAsync(read, service.Token)).Status);
        Assert.Equal(409, (await Api.PostAsync(secrets, account.WriteToken, new[] { new { name = "A", value = "taken", scopes = new[] { "workers" } } })).Status);
        Assert.Equal(202, (await Api.DeleteAsync($"{secrets}/{b}", account.WriteToken)).Status);
        Assert.Equal(200, (await Api.DeleteAsync($"{account.Base}/stores/{doomed}?force=true", account.WriteToken)).Status);

        var entries = Entries(await Api.GetAsync($"{Logs(account)}?{Window()}&limit=1000&direction=asc", account.ReadToken));
        string Raw(JsonElement e, string field) => e.GetProperty("raw").TryGetProperty(field, out var v) ? v.GetString()! : "(none)";
        bool? ValueModified(JsonElement e) =>
            e.GetProperty("resource").TryGetProperty("request", out var request) && request.TryGetProperty("value_modified", out var modified) ? modified.GetBoolean() : null;
        var expected = new (string Description, string Method, string Uri, bool? ValueModified)[]
        {
            ("Create store", "POST", $"{account.Base}/stores", null),
            ("Create store", "POST", $"{account.Base}/stores", null),
            ("Create secret", "POST", secrets, null),
            ("Create secret", "POST", secrets, null),
            ("Duplicate secret", "POST", $"{secrets}/{a}/duplicate", null),
            ("Update secret", "PATCH", $"{secrets}/{a}", true),
            ("Update secret", "PATCH", $"{secrets}/{b}", null),
            ("Read secret value", "GET", read, null),
            ("Create secret: secret_name_already_exists", "POST", secrets, null),
            ("Delete secret", "DELETE", $"{secrets}/{b}", null),
            ("Delete store", "DELETE", $"{account.Base}/stores/{doomed}?force=true", null),
        };
        var actual = entries
            .Where(e => e.GetProperty("resource").GetProperty("type").GetString() is "secrets_store.secret" or "secrets_store.store")
            .Select(e => (e.GetProperty("action").GetProperty("description").GetString()!, Raw(e, "method"), Raw(e, "uri"), ValueModified(e)))
            .ToList();
        Assert.Equal(expected, actual);

        // The duplicate still names its source and carries no value_modified: copying a value changes none.
        var duplicate = entries.Single(e => e.GetProperty("action").GetProperty("description").GetString() == "Duplicate secret");
        Assert.Equal((copy, a), (duplicate.GetProperty("resource").GetProperty("id").GetString(), duplicate.GetProperty("resource").GetProperty("request").GetProperty("duplicated_from_id").GetString()));

        // The account's trail route shows the same, for the records that have them.
        var trail = await Api.GetAsync($"{account.Base}/audit?per_page=100", account.ReadToken);
        Assert.True(trail.Status == 200, trail.Body.ToString());
        var patches = trail.Result.EnumerateArray().Where(r => r.GetProperty("action").GetString() == "secret.patch").ToList();
        Assert.Equal(
            [("PATCH", $"{secrets}/{b}", JsonValueKind.Null), ("PATCH", $"{secrets}/{a}", JsonValueKind.True)],
            patches.Select(r => (r.GetProperty("method").GetString(), r.GetProperty("uri").GetString(), r.GetProperty("value_modified").ValueKind)));
    }

    [Fact]
    public async Task CursorPagesByTwoEqualOnePageInBothDirectionsWhileEntriesAreAppended()
    {
        var (account, _, store, _, _, _, _, _) = await ActivityAsync();
        var since = DateTime.UtcNow.AddHours(-1);
        var before = DateTime.UtcNow;
        var window = $"since={Time(since)}&before={Time(before)}";
        foreach (var direction in new[] { "desc", "asc" })
        {
            var whole = Ids(Entries(await Api.GetAsync($"{Logs(account)}?{window}&direction={direction}&limit=1000", account.ReadToken)));
            Assert.True(whole.Count >= 10, $"{whole.Count} entries");
            var paged = new List<string>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = await Api.GetAsync($"{Logs(account)}?{window}&direction={direction}&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", account.WriteToken);
                var entries = Entries(page);
                Assert.True(entries.Count is 1 or 2, $"page {pages} held {entries.Count}");
                paged.AddRange(Ids(entries));
                cursor = After(page);
                // Entries recorded between pages, in this account's trail: they fall outside the window, and must
                // neither shift the pages nor appear twice.
                await Api.CreateSecretAsync(account, store, $"LATE_{direction}_{pages}");
                pages++;
                Assert.True(pages < 100, "paging did not end");
            }
            while (cursor is not null);

            Assert.Equal(whole, paged);
            var longer = Ids(Entries(await Api.GetAsync($"{Logs(account)}?since={Time(since)}&before={Time(DateTime.UtcNow.AddMinutes(1))}&direction={direction}&limit=1000", account.ReadToken)));
            Assert.True(longer.Count > whole.Count, "the appended entries are there once the window includes them");
        }

        // The same holds when the window is still open: newest first, the new entries are before the first page.
        var open = $"since={Time(since)}&before={Time(DateTime.UtcNow.AddMinutes(5))}";
        var all = Ids(Entries(await Api.GetAsync($"{Logs(account)}?{open}&limit=1000", account.ReadToken)));
        var walked = new List<string>();
        string? next = null;
        do
        {
            var page = await Api.GetAsync($"{Logs(account)}?{open}&limit=3{(next is null ? "" : $"&cursor={next}")}", account.ReadToken);
            walked.AddRange(Ids(Entries(page)));
            next = After(page);
            await Api.CreateSecretAsync(account, store, $"OPEN_{walked.Count}");
        }
        while (next is not null);

        Assert.Equal(all, walked);
    }

    [Fact]
    public async Task EveryExclusionFilterLeavesOutExactlyTheEntriesThatShowItsValue()
    {
        var (account, service, _, a, _, email, key, _) = await ActivityAsync();
        Assert.Equal(200, (await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores", null, new { name = "by_key" },
            headers: new Dictionary<string, string> { ["X-Auth-Email"] = email, ["X-Auth-Key"] = key })).Status);
        var window = Window();
        var all = Entries(await Api.GetAsync($"{Logs(account)}?{window}&limit=1000", account.ReadToken));
        string? Field(JsonElement e, string outer, string inner) =>
            e.TryGetProperty(outer, out var o) && o.TryGetProperty(inner, out var v) ? v.ValueKind == JsonValueKind.Number ? v.GetRawText() : v.GetString() : null;

        var writer = all.First(e => Field(e, "actor", "token_name") == "w");
        var cases = new (string Filter, string Value, Func<JsonElement, string?> Shows)[]
        {
            ("action_type", "view", e => Field(e, "action", "type")),
            ("action_type", "create", e => Field(e, "action", "type")),
            ("action_result", "failure", e => Field(e, "action", "result")),
            ("action_result", "success", e => Field(e, "action", "result")),
            ("actor_type", "delegated_service", e => Field(e, "actor", "type")),
            ("actor_type", "account", e => Field(e, "actor", "type")),
            ("actor_type", "user", e => Field(e, "actor", "type")),
            ("actor_type", "cloudflare_admin", e => Field(e, "actor", "type")),
            ("actor_context", "api_key", e => Field(e, "actor", "context")),
            ("actor_context", "api_token", e => Field(e, "actor", "context")),
            ("actor_context", "dash", e => Field(e, "actor", "context")),
            ("actor_token_id", Field(writer, "actor", "token_id")!, e => Field(e, "actor", "token_id")),
            ("actor_token_name", "w", e => Field(e, "actor", "token_name")),
            ("actor_email", email, e => Field(e, "actor", "email")),
            ("actor_id", service.Name, e => Field(e, "actor", "id")),
            ("actor_id", "operator", e => Field(e, "actor", "id")),
            ("resource_id", a, e => Field(e, "resource", "id")),
            ("resource_type", "secrets_store.secret", e => Field(e, "resource", "type")),
            ("resource_type", "secrets_store.store", e => Field(e, "resource", "type")),
            ("resource_product", "secrets_store", e => Field(e, "resource", "product")),
            ("resource_product", "workers", e => Field(e, "resource", "product")),
            ("raw_status_code", "409", e => Field(e, "raw", "status_code")),
            ("raw_cf_ray_id", Field(all[0], "raw", "cf_ray_id")!, e => Field(e, "raw", "cf_ray_id")),
            ("raw_method", "PATCH", e => Field(e, "raw", "method")),
            ("raw_method", "GET", e => Field(e, "raw", "method")),
            ("raw_uri", Field(all[0], "raw", "uri")!, e => Field(e, "raw", "uri")),
            ("account_name", "test", e => Field(e, "account", "name")),
            ("id", all[1].GetProperty("id").GetString()!, e => e.GetProperty("id").GetString()),
            ("audit_log_id", all[2].GetProperty("id").GetString()!, e => e.GetProperty("id").GetString()),
            ("zone_id", "0123456789abcdef0123456789abcdef", _ => null),
        };
        foreach (var (filter, value, shows) in cases)
        {
            var expected = Ids(all.Where(e => shows(e) != value));
            var filtered = Ids(Entries(await Api.GetAsync($"{Logs(account)}?{window}&limit=1000&{filter}.not={Uri.EscapeDataString(value)}", account.ReadToken)));
            Assert.True(expected.SequenceEqual(filtered), $"{filter}.not={value}: expected {expected.Count} entries, got {filtered.Count}");
        }

        // resource_id=ID (an extension) keeps only one resource's entries: a secret's history.
        var history = Entries(await Api.GetAsync($"{Logs(account)}?{window}&limit=1000&resource_id={a}", account.ReadToken));
        Assert.Equal(Ids(all.Where(e => Field(e, "resource", "id") == a)), Ids(history));
        Assert.Equal(["view", "update", "create"], history.Select(e => Field(e, "action", "type")));

        // Repeated values and several filters together leave out the union.
        var both = Ids(Entries(await Api.GetAsync($"{Logs(account)}?{window}&limit=1000&action_type.not=view&action_type.not=update&action_result.not=failure", account.ReadToken)));
        Assert.Equal(Ids(all.Where(e => Field(e, "action", "type") is not ("view" or "update") && Field(e, "action", "result") != "failure")), both);
        Assert.NotEmpty(both);
    }

    [Fact]
    public async Task OnlyTheAccountsOwnTokensAndKeysReadItsLogAndTheOperatorReadsEveryAccountsAtItsOwnRoute()
    {
        var account = await app.NewAccountAsync();
        var other = await app.NewAccountAsync();
        var service = await app.NewServiceAsync(accounts: [account.Id]);
        var since = DateTime.UtcNow.AddSeconds(-1);
        var (email, key) = await app.NewKeyAsync(account.Id);
        var (otherEmail, otherKey) = await app.NewKeyAsync(other.Id);
        // Only what this test records: the operator's trail holds every account's entries.
        var window = $"since={Time(since)}&before={Time(DateTime.UtcNow.AddMinutes(1))}";
        var logs = $"{Logs(account)}?{window}";

        // Another account's token tries this account's routes: refused, and recorded for the operator alone.
        Assert.Equal(403, (await Api.PostAsync($"{account.Base}/stores", other.WriteToken, new { name = "foreign" })).Status);

        foreach (var token in new[] { account.ReadToken, account.WriteToken })
        {
            Assert.Equal(200, (await Api.GetAsync(logs, token)).Status);
        }

        var byKey = await Api.SendAsync(HttpMethod.Get, logs, null, headers: new Dictionary<string, string> { ["X-Auth-Email"] = email, ["X-Auth-Key"] = key });
        Assert.Equal(200, byKey.Status);

        foreach (var (token, message) in new[]
        {
            (other.ReadToken, "this token is not for the account in the path"), (service.Token, "a service token opens only the system routes"),
            (app.AdminToken, "the admin token opens only the /admin/v1 routes"),
        })
        {
            var refused = await Api.GetAsync(logs, token);
            Assert.True((403, 9109) == (refused.Status, refused.ErrorCode), $"{refused.Status} {refused.Body}");
            Assert.Contains(message, refused.ErrorMessage, StringComparison.Ordinal);
        }

        var foreignKey = await Api.SendAsync(HttpMethod.Get, logs, null, headers: new Dictionary<string, string> { ["X-Auth-Email"] = otherEmail, ["X-Auth-Key"] = otherKey });
        Assert.Equal((403, 9109), (foreignKey.Status, foreignKey.ErrorCode));
        var anonymous = await Api.GetAsync(logs, null);
        Assert.Equal((400, 9106), (anonymous.Status, anonymous.ErrorCode));
        Assert.Equal(401, (await Api.GetAsync(logs, "not-a-token")).Status);
        var badAccount = await Api.GetAsync($"/client/v4/accounts/nope/logs/audit?{window}", account.ReadToken);
        Assert.Equal((400, 7003), (badAccount.Status, badAccount.ErrorCode));

        // The account's own log does not hold the foreign refusal (it would name another account's token).
        var own = Entries(await Api.GetAsync($"{logs}&limit=1000", account.ReadToken));
        Assert.DoesNotContain(own, e => e.GetProperty("action").GetProperty("result").GetString() == "failure");

        // The operator: every account, or one account with the refusals addressed to it; account tokens are refused there.
        Assert.Equal(403, (await Api.GetAsync($"/admin/v1/logs/audit?{window}", account.WriteToken)).Status);
        var mine = Entries(await Api.GetAsync($"/admin/v1/logs/audit?{window}&account_id={account.Id}&limit=1000", app.AdminToken));
        var foreign = mine.Single(e => e.GetProperty("action").GetProperty("result").GetString() == "failure");
        Assert.Equal((account.Id, "Create store: Unauthorized to access requested resource", 403),
            (foreign.GetProperty("account").GetProperty("id").GetString(), foreign.GetProperty("action").GetProperty("description").GetString(), foreign.GetProperty("raw").GetProperty("status_code").GetInt32()));
        Assert.Equal(own.Count + 1, mine.Count);
        var everyone = Ids(Entries(await Api.GetAsync($"/admin/v1/logs/audit?{window}&limit=1000", app.AdminToken)));
        Assert.Superset(Ids(mine).ToHashSet(), everyone.ToHashSet());
        Assert.Equal(400, (await Api.GetAsync($"/admin/v1/logs/audit?{window}&account_id=nope", app.AdminToken)).Status);
        Assert.Equal(400, (await Api.GetAsync("/admin/v1/logs/audit", app.AdminToken)).Status);
    }
}
