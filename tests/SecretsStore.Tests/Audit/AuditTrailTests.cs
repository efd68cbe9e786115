using System.Text.Json;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Audit;

/// <summary>Every change and every value read leaves exactly its records, they hold no secret, and the trail reads back.</summary>
[Collection(TwoSiloCollection.Name)]
public sealed class AuditTrailTests(TwoSiloFixture silos)
{
    private ApiClient A => silos.A;

    private sealed class Expected
    {
        public List<(string RequestId, string Action, int Count)> Requests { get; } = [];

        /// <summary>Notes what a call must have recorded, and checks that it answered as the test meant.</summary>
        public async Task<ApiResponse> ExpectAsync(Task<ApiResponse> call, int status, string action, int records = 1)
        {
            var response = await call;
            Assert.True(response.Status == status, $"{action} answered {response.Status}: {response.Body}");
            var id = response.Header("x-request-id");
            Assert.False(string.IsNullOrEmpty(id), $"{action} answered no x-request-id");
            Requests.Add((id!, action, records));
            return response;
        }
    }

    [Fact]
    public async Task EveryChangeAndEveryReadLeavesOneRecordPerSecretItTouchedAndRefusalsAreRecordedToo()
    {
        var account = await silos.NewAccountAsync();
        var consumer = await silos.NewServiceAsync("workers");
        var e = new Expected();
        var admin = silos.AdminToken;

        var store = (await e.ExpectAsync(A.PostAsync($"{account.Base}/stores", account.WriteToken, new { name = "audited" }), 200, "store.create"))
            .Result.GetProperty("id").GetString();
        var secrets = $"{account.Base}/stores/{store}/secrets";
        var created = await e.ExpectAsync(A.PostAsync(secrets, account.WriteToken, new[]
        {
            new { name = "A", value = "a", scopes = new[] { "workers" } },
            new { name = "B", value = "b", scopes = new[] { "dex" } },
        }), 200, "secret.create", records: 2);
        var a = created.Result[0].GetProperty("id").GetString();
        var b = created.Result[1].GetProperty("id").GetString();
        await e.ExpectAsync(A.PostAsync(secrets, account.WriteToken, new[] { new { name = "A", value = "again", scopes = new[] { "workers" } } }), 409, "secret.create");
        await e.ExpectAsync(A.PostAsync(secrets, account.ReadToken, new[] { new { name = "R", value = "r", scopes = new[] { "workers" } } }), 403, "secret.create");
        await e.ExpectAsync(A.PostAsync(secrets, account.WriteToken, "not json"), 400, "secret.create");
        await e.ExpectAsync(A.PatchAsync($"{secrets}/{a}", account.WriteToken, new { comment = "changed" }), 200, "secret.patch");
        var copy = (await e.ExpectAsync(A.PostAsync($"{secrets}/{a}/duplicate", account.WriteToken, new { name = "A_COPY", scopes = new[] { "workers" } }), 200, "secret.duplicate"))
            .Result.GetProperty("id").GetString();
        await e.ExpectAsync(silos.B.GetAsync($"{TestService.Base(account.Id)}/stores/{store}/secrets/{a}/value", consumer.Token), 200, "secret.read_value");
        await e.ExpectAsync(silos.B.GetAsync($"{TestService.Base(account.Id)}/stores/{store}/secrets/{b}/value", consumer.Token), 404, "secret.read_value");
        await e.ExpectAsync(A.DeleteAsync($"{secrets}/{b}", account.WriteToken), 202, "secret.delete");
        await e.ExpectAsync(A.DeleteAsync(secrets, account.WriteToken, new { ids = new[] { a, copy } }), 202, "secret.bulk_delete", records: 2);
        await e.ExpectAsync(A.PutAsync($"/admin/v1/accounts/{account.Id}/quota", admin, new { secrets = 10, stores = 2 }), 200, "quota.set");
        var token = await e.ExpectAsync(A.PostAsync($"/admin/v1/accounts/{account.Id}/tokens", admin, new { name = "t", permission = "read" }), 200, "token.create");
        await e.ExpectAsync(A.DeleteAsync($"/admin/v1/accounts/{account.Id}/tokens/{token.Result.GetProperty("id").GetString()}", admin), 200, "token.revoke");
        await e.ExpectAsync(A.DeleteAsync($"/admin/v1/accounts/{account.Id}/tokens/{Guid.NewGuid():N}", admin), 404, "token.revoke");
        await e.ExpectAsync(A.PostAsync($"/admin/v1/accounts/{account.Id}/keys", admin, new { email = "audit@example.test" }), 200, "key.create");
        await e.ExpectAsync(A.DeleteAsync($"/admin/v1/accounts/{account.Id}/keys/audit@example.test", admin), 200, "key.delete");
        await e.ExpectAsync(A.DeleteAsync($"{account.Base}/stores/{store}", account.WriteToken), 200, "store.delete");

        var trail = await A.GetAsync($"/admin/v1/audit?account_id={account.Id}&per_page=100", admin);
        Assert.Equal(200, trail.Status);
        var recorded = trail.Result.EnumerateArray()
            .GroupBy(r => r.GetProperty("request_id").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(r => r.GetProperty("action").GetString()!).ToList());
        // Besides these, the trail holds the test account's creation and the two tokens it was made with.
        var unexpected = recorded.Where(r => !e.Requests.Any(x => x.RequestId == r.Key)).SelectMany(r => r.Value).ToList();
        Assert.Equal(["token.create", "token.create", "account.create"], unexpected);
        foreach (var (requestId, action, count) in e.Requests)
        {
            Assert.True(recorded.TryGetValue(requestId, out var actions), $"no record of {action} ({requestId})");
            Assert.Equal(Enumerable.Repeat(action, count), actions);
        }

        // The refusals say what refused them.
        var refusals = trail.Result.EnumerateArray().Where(r => r.GetProperty("outcome").GetString() == "refused")
            .Select(r => $"{r.GetProperty("action").GetString()} {r.GetProperty("status").GetInt32()} {r.GetProperty("code").GetInt32()} {r.GetProperty("error").GetString()}")
            .Order().ToList();
        Assert.Equal(
            [
                "secret.create 400 1001 invalid_json_body", "secret.create 403 9109 Unauthorized to access requested resource",
                "secret.create 409 1003 secret_name_already_exists", "secret.read_value 404 1001 secret_not_found",
                "token.revoke 404 1001 token_not_found",
            ],
            refusals);
        var read = trail.Result.EnumerateArray().Single(r => r.GetProperty("action").GetString() == "secret.read_value" && r.GetProperty("outcome").GetString() == "allowed");
        Assert.Equal((a, "A", store, "audited", $"service:{consumer.Name}"),
            (read.GetProperty("secret_id").GetString(), read.GetProperty("secret_name").GetString(), read.GetProperty("store_id").GetString(),
             read.GetProperty("store_name").GetString(), read.GetProperty("principal").GetString()));
    }

    [Fact]
    public async Task TheTrailHoldsNoValueAndNoCredential()
    {
        var account = await silos.NewAccountAsync();
        var consumer = await silos.NewServiceAsync("workers");
        var owner = await silos.NewServiceAsync();
        var values = Enumerable.Range(0, 4).Select(i => $"canary{i}-{Guid.NewGuid():N}").ToList();
        var store = await A.CreateStoreAsync(account);
        var secrets = $"{account.Base}/stores/{store}/secrets";
        var id = (await A.CreateSecretAsync(account, store, "CANARY", values[0])).GetProperty("id").GetString();
        Assert.Equal(200, (await A.PatchAsync($"{secrets}/{id}", account.WriteToken, new { value = values[1] })).Status);
        Assert.Equal(409, (await A.PostAsync(secrets, account.WriteToken, new[] { new { name = "CANARY", value = values[2], scopes = new[] { "workers" } } })).Status);
        Assert.Equal(400, (await A.PostAsync(secrets, account.WriteToken, $"[{{\"name\":\"X\",\"value\":\"{values[3]}\"")).Status);
        Assert.Equal(values[1], (await silos.B.GetAsync($"{TestService.Base(account.Id)}/stores/{store}/secrets/{id}/value", consumer.Token)).Result.GetProperty("value").GetString());
        var token = (await A.PostAsync($"/admin/v1/accounts/{account.Id}/tokens", silos.AdminToken, new { name = "t", permission = "write" })).Result.GetProperty("token").GetString()!;
        var key = (await A.PostAsync($"/admin/v1/accounts/{account.Id}/keys", silos.AdminToken, new { email = "scan@example.test" })).Result.GetProperty("key").GetString()!;
        var rotated = (await A.PostAsync($"/admin/v1/services/{owner.Name}/token", silos.AdminToken, null)).Result.GetProperty("token").GetString()!;
        Assert.Equal(403, (await A.GetAsync($"{TestService.Base(account.Id)}/stores/{store}/secrets/{id}/value", account.WriteToken)).Status);

        var rows = await silos.QueryAsync("SELECT row_to_json(a)::text FROM audit_log a");
        var served = (await A.GetAsync($"/admin/v1/audit?per_page=100", silos.AdminToken)).Body.GetRawText()
            + (await A.GetAsync($"{account.Base}/audit?per_page=100", account.ReadToken)).Body.GetRawText();
        // The scan reads what it should: the rows name the secret (uuid text has dashes).
        Assert.Contains(rows, r => r.Contains(Guid.ParseExact(id!, "N").ToString(), StringComparison.Ordinal));
        var needles = values.Concat([account.WriteToken, account.ReadToken, consumer.Token, owner.Token, token, key, rotated, silos.AdminToken, silos.Settings.MasterKey]);
        foreach (var needle in needles)
        {
            Assert.DoesNotContain(rows, r => r.Contains(needle, StringComparison.Ordinal));
            Assert.DoesNotContain(needle, served, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnAccountPagesItsOwnTrailNewestFirstWithFiltersAndNothingElse()
    {
        var account = await silos.NewAccountAsync();
        var other = await silos.NewAccountAsync();
        var consumer = await silos.NewServiceAsync("workers");
        var store = await A.CreateStoreAsync(account);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await A.CreateSecretAsync(account, store, $"S{i}")).GetProperty("id").GetString()!);
        }

        Assert.Equal(200, (await A.GetAsync($"{TestService.Base(account.Id)}/stores/{store}/secrets/{ids[2]}/value", consumer.Token)).Status);
        await A.CreateStoreAsync(other);
        var audit = $"{account.Base}/audit";

        var first = await A.GetAsync($"{audit}?per_page=3", account.ReadToken);
        var second = await A.GetAsync($"{audit}?per_page=3&page=2", account.WriteToken);
        // The five creates, the read, the store, and the account's creation with its two tokens.
        Assert.Equal((200, 10, 3), (first.Status, first.Body.GetProperty("result_info").GetProperty("total_count").GetInt32(), first.Result.GetArrayLength()));
        var seqs = first.Result.EnumerateArray().Concat(second.Result.EnumerateArray()).Select(r => long.Parse(r.GetProperty("id").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(seqs.OrderDescending(), seqs);
        Assert.Equal(6, seqs.Distinct().Count());
        Assert.Equal("secret.read_value", first.Result[0].GetProperty("action").GetString());
        Assert.All(first.Result.EnumerateArray().Concat(second.Result.EnumerateArray()), r => Assert.Equal(account.Id, r.GetProperty("account_id").GetString()));

        Assert.Equal(5, (await A.GetAsync($"{audit}?action=secret.create", account.ReadToken)).Result.GetArrayLength());
        Assert.Equal(1, (await A.GetAsync($"{audit}?principal=service:{consumer.Name}", account.ReadToken)).Result.GetArrayLength());
        Assert.Equal(2, (await A.GetAsync($"{audit}?secret_id={ids[2]}", account.ReadToken)).Result.GetArrayLength());
        Assert.Equal(1, (await A.GetAsync($"{audit}?secret_name=S4", account.ReadToken)).Result.GetArrayLength());
        Assert.Equal(0, (await A.GetAsync($"{audit}?until={Uri.EscapeDataString(DateTime.UtcNow.AddHours(-1).ToString("O"))}", account.ReadToken)).Result.GetArrayLength());
        Assert.Equal(10, (await A.GetAsync($"{audit}?since={Uri.EscapeDataString(DateTime.UtcNow.AddHours(-1).ToString("O"))}", account.ReadToken)).Result.GetArrayLength());

        // Another account's token, a service and the operator may not read this account's trail here.
        foreach (var token in new[] { other.ReadToken, consumer.Token, silos.AdminToken })
        {
            var refused = await A.GetAsync(audit, token);
            Assert.Equal((403, 9109), (refused.Status, refused.ErrorCode));
        }

        foreach (var (query, message) in new[]
        {
            ("per_page=101", "invalid_paging"), ("page=-1", "invalid_paging"), ("page=x", "invalid_paging"),
            ("action=secret.steal", "invalid_audit_filter"), ("since=yesterday", "invalid_audit_filter"), ("secret_id=nope", "invalid_id"),
        })
        {
            var bad = await A.GetAsync($"{audit}?{query}", account.ReadToken);
            Assert.True((400, 1001) == (bad.Status, bad.ErrorCode), $"{query}: {bad.Status} {bad.Body}");
            Assert.StartsWith(message, bad.ErrorMessage, StringComparison.Ordinal);
        }

        Assert.Equal(403, (await A.GetAsync("/admin/v1/audit", account.WriteToken)).Status);
        var all = await A.GetAsync($"/admin/v1/audit?account_id={other.Id}", silos.AdminToken);
        Assert.Equal(["store.create", "token.create", "token.create", "account.create"], all.Result.EnumerateArray().Select(r => r.GetProperty("action").GetString()));
        Assert.Equal(JsonValueKind.Array, (await A.GetAsync("/admin/v1/audit?page=999", silos.AdminToken)).Result.ValueKind);
    }
}
