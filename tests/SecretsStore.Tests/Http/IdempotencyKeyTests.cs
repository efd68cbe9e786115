using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecretsStore.Api.Idempotency;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>
/// docs/api.md, "Idempotency-Key": a repeat of a keyed write replays its first answer and applies nothing again; the
/// same key for another request is 422, a repeat while the first runs is 409 with Retry-After; a bad key is refused
/// with the error envelope and its hint before anything is written; a read with a key is served as usual; keys are the
/// principal's own and expire after the window; and every audit record of a keyed write (a store grain's, the account
/// grain's, the gateway's own) carries the hashes of the principal's key and of the request, committed with the change.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class IdempotencyKeyTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    private NpgsqlDataSource Trail => app.App.Web.Services.GetRequiredService<NpgsqlDataSource>();

    private static Dictionary<string, string> Key(string key) => new() { [IdempotencyKeyHeader.Name] = key };

    private static string Secrets(params string[] names) =>
        JsonSerializer.Serialize(names.Select(n => new { name = n, value = "v", scopes = new[] { "workers" } }));

    [Fact]
    public async Task AKeyOver255CharactersIsRefusedWithItsHintAndWritesNothing()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var secrets = $"{account.Base}/stores/{store}/secrets";

        var refused = await Api.SendAsync(HttpMethod.Post, secrets, account.WriteToken, Secrets("LONG_KEY"), headers: Key(new string('k', 256)));

        Assert.Equal((400, 1001, "idempotency_key_invalid: the key has 256 characters; send 1 to 255"), (refused.Status, refused.ErrorCode, refused.ErrorMessage));
        Assert.Empty((await Api.GetAsync(secrets, account.ReadToken)).Names());
        var taken = await Api.SendAsync(HttpMethod.Post, secrets, account.WriteToken, Secrets("LONG_KEY"), headers: Key(new string('k', 255)));
        Assert.Equal(200, taken.Status);
    }

    [Fact]
    public async Task AnEmptyKeyIsRefusedOnEveryRouteFamily()
    {
        var account = await app.NewAccountAsync();
        var onAccount = await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores", account.WriteToken, new { name = "s" }, headers: Key(""));
        var onAdmin = await Api.SendAsync(HttpMethod.Post, $"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken, new { name = "t", permission = "read" }, headers: Key(""));

        foreach (var refused in new[] { onAccount, onAdmin })
        {
            Assert.Equal((400, 1001, "idempotency_key_invalid: the key is empty; send 1 to 255 characters"), (refused.Status, refused.ErrorCode, refused.ErrorMessage));
        }

        Assert.Empty((await Api.GetAsync($"{account.Base}/stores", account.ReadToken)).Result.EnumerateArray());
    }

    [Fact]
    public async Task AReadWithAKeyIsServedAsUsual()
    {
        var account = await app.NewAccountAsync();
        var read = await Api.SendAsync(HttpMethod.Get, $"{account.Base}/stores", account.ReadToken, headers: Key(new string('k', 300)));
        Assert.Equal(200, read.Status);
    }

    [Fact]
    public async Task EveryRecordOfAKeyedSecretCreateCarriesTheKeyAndTheRequestsHash()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        var body = Secrets("ONE", "TWO");

        var created = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, body, headers: Key("create-1"));

        Assert.Equal(200, created.Status);
        var rows = await RecordsOfAsync(created);
        Assert.Equal(2, rows.Count);
        var principal = rows[0].Principal;
        var expected = (
            Convert.ToHexString(IdempotencyFingerprint.KeyHash(principal, "create-1")),
            Convert.ToHexString(IdempotencyFingerprint.RequestHash(principal, "create-1", "POST", path, Encoding.UTF8.GetBytes(body))));
        Assert.All(rows, row => Assert.Equal(expected, (row.Key, row.Request)));
    }

    [Fact]
    public async Task TheAccountGrainsAndTheGatewaysOwnRecordsCarryTheKeyToo()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores", account.WriteToken, new { name = "keyed" }, headers: Key("store-1"));
        var token = await Api.SendAsync(
            HttpMethod.Post, $"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken, new { name = "keyed", permission = "read" }, headers: Key("token-1"));

        Assert.Equal((200, 200), (store.Status, token.Status));
        var storeRecord = Assert.Single(await RecordsOfAsync(store));
        var tokenRecord = Assert.Single(await RecordsOfAsync(token));
        Assert.Equal(Convert.ToHexString(IdempotencyFingerprint.KeyHash(storeRecord.Principal, "store-1")), storeRecord.Key);
        Assert.Equal(Convert.ToHexString(IdempotencyFingerprint.KeyHash("operator", "token-1")), tokenRecord.Key);
    }

    [Fact]
    public async Task ARefusedKeyedWriteIsRecordedWithItsKeyAndAnUnkeyedOneWithout()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        await Api.PostAsync(path, account.WriteToken, JsonSerializer.Deserialize<JsonElement>(Secrets("TAKEN")));

        var refused = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("TAKEN"), headers: Key("taken-1"));
        var unkeyed = await Api.PostAsync(path, account.WriteToken, JsonSerializer.Deserialize<JsonElement>(Secrets("FREE")));

        Assert.Equal((409, 200), (refused.Status, unkeyed.Status));
        var refusal = Assert.Single(await RecordsOfAsync(refused));
        Assert.Equal(Convert.ToHexString(IdempotencyFingerprint.KeyHash(refusal.Principal, "taken-1")), refusal.Key);
        Assert.Equal((null, null), (Assert.Single(await RecordsOfAsync(unkeyed)).Key, Assert.Single(await RecordsOfAsync(unkeyed)).Request));
    }

    [Fact]
    public async Task AnotherPrincipalsSameKeyIsAnotherKey()
    {
        var first = await app.NewAccountAsync();
        var second = await app.NewAccountAsync();

        var one = await Api.SendAsync(HttpMethod.Post, $"{first.Base}/stores", first.WriteToken, new { name = "same" }, headers: Key("shared-key"));
        var other = await Api.SendAsync(HttpMethod.Post, $"{second.Base}/stores", second.WriteToken, new { name = "same" }, headers: Key("shared-key"));

        Assert.Equal((200, 200), (one.Status, other.Status));
        Assert.Null(other.Header(IdempotencyKeyHeader.Replayed));
        Assert.NotEqual(Assert.Single(await RecordsOfAsync(one)).Key, Assert.Single(await RecordsOfAsync(other)).Key);
    }

    [Fact]
    public async Task ARepeatedSecretCreateReplaysTheSameAnswerAndCreatesOneSecret()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";

        var first = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("ONCE"), headers: Key("replay-1"));
        var again = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("ONCE"), headers: Key("replay-1"));

        Assert.Equal((200, 200), (first.Status, again.Status));
        Assert.Null(first.Header(IdempotencyKeyHeader.Replayed));
        Assert.Equal("true", again.Header(IdempotencyKeyHeader.Replayed));
        Assert.Equal(first.Body.GetRawText(), again.Body.GetRawText());
        Assert.Equal(["ONCE"], (await Api.GetAsync(path, account.ReadToken)).Names());
        Assert.Single(await RecordsOfAsync(first));
        Assert.Empty(await RecordsOfAsync(again));
    }

    [Fact]
    public async Task AReplayAfterTheSecretChangedIsStillTheFirstAnswer()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        var first = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("CHANGES"), headers: Key("replay-2"));
        var id = first.Result[0].GetProperty("id").GetString();
        Assert.Equal(200, (await Api.PatchAsync($"{path}/{id}", account.WriteToken, new { comment = "changed since" })).Status);

        var again = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("CHANGES"), headers: Key("replay-2"));

        Assert.Equal((200, first.Body.GetRawText()), (again.Status, again.Body.GetRawText()));
        Assert.Equal("changed since", (await Api.GetAsync($"{path}/{id}", account.ReadToken)).Result.GetProperty("comment").GetString());
    }

    [Fact]
    public async Task ARecordedRefusalReplaysToo()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        await Api.PostAsync(path, account.WriteToken, JsonSerializer.Deserialize<JsonElement>(Secrets("TAKEN")));

        var first = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("TAKEN"), headers: Key("refused-1"));
        var again = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("TAKEN"), headers: Key("refused-1"));

        Assert.Equal((409, "secret_name_already_exists"), (first.Status, first.ErrorToken));
        Assert.Equal((409, first.Body.GetRawText(), "true"), (again.Status, again.Body.GetRawText(), again.Header(IdempotencyKeyHeader.Replayed)));
    }

    [Fact]
    public async Task TheSameKeyForAnotherBodyPathOrMethodIs422AndAppliesNothing()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        var first = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("FIRST"), headers: Key("reused-1"));
        var id = first.Result[0].GetProperty("id").GetString();

        var otherBody = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("SECOND"), headers: Key("reused-1"));
        var otherPath = await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores", account.WriteToken, Secrets("FIRST"), headers: Key("reused-1"));
        var otherMethod = await Api.SendAsync(HttpMethod.Delete, $"{path}/{id}", account.WriteToken, headers: Key("reused-1"));

        foreach (var refused in new[] { otherBody, otherPath, otherMethod })
        {
            Assert.Equal((422, 1001, "idempotency_key_reused"), (refused.Status, refused.ErrorCode, refused.ErrorToken));
            Assert.Contains("send a new key for a new request", refused.ErrorMessage, StringComparison.Ordinal);
        }

        Assert.Equal(["FIRST"], (await Api.GetAsync(path, account.ReadToken)).Names());
    }

    [Fact]
    public async Task ARepeatWhileTheFirstRunsIs409WithRetryAfterAndThenReplays()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        var storeId = Guid.ParseExact(store, "N");

        // The first create waits for the store's row, which this transaction holds, so it is running for as long as
        // the test wants.
        await using var owner = new NpgsqlConnection(app.Settings.ConnectionString);
        await owner.OpenAsync();
        var holding = await owner.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM stores WHERE id = $1 FOR UPDATE", owner, holding))
        {
            lockRow.Parameters.Add(new NpgsqlParameter { Value = storeId });
            await lockRow.ExecuteNonQueryAsync();
        }

        var running = Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("SLOW"), headers: Key("in-use-1"));
        await LockWaits.UntilAWriteWaitsForALockAsync(owner, holding, running);

        var repeat = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("SLOW"), headers: Key("in-use-1"));
        await holding.RollbackAsync();
        var first = await running;
        var after = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("SLOW"), headers: Key("in-use-1"));

        Assert.Equal((409, 1003, "idempotency_key_in_use"), (repeat.Status, repeat.ErrorCode, repeat.ErrorToken));
        Assert.Equal("1", repeat.Header("Retry-After"));
        Assert.Null(repeat.Header("x-should-retry"));
        Assert.Equal(200, first.Status);
        Assert.Equal((200, first.Body.GetRawText(), "true"), (after.Status, after.Body.GetRawText(), after.Header(IdempotencyKeyHeader.Replayed)));
        Assert.Equal(["SLOW"], (await Api.GetAsync(path, account.ReadToken)).Names());
    }

    [Fact]
    public async Task AnAdminTokenCreateReplaysTheSameTokenAndNoRowHoldsIt()
    {
        var account = await app.NewAccountAsync();
        var path = $"/admin/v1/accounts/{account.Id}/tokens";

        var first = await Api.SendAsync(HttpMethod.Post, path, app.AdminToken, new { name = "once", permission = "read" }, headers: Key("token-replay"));
        var again = await Api.SendAsync(HttpMethod.Post, path, app.AdminToken, new { name = "once", permission = "read" }, headers: Key("token-replay"));

        Assert.Equal((200, 200), (first.Status, again.Status));
        Assert.Equal(first.Body.GetRawText(), again.Body.GetRawText());
        var token = first.Result.GetProperty("token").GetString()!;
        Assert.Equal(200, (await Api.GetAsync($"{account.Base}/stores", token)).Status);
        Assert.Single((await Api.GetAsync(path, app.AdminToken)).Result.EnumerateArray(), t => t.GetProperty("name").GetString() == "once");

        await using var owner = new NpgsqlConnection(app.Settings.ConnectionString);
        await owner.OpenAsync();
        await using var search = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM idempotent_answers WHERE position(convert_to($1, 'UTF8') IN sealed) > 0)
                 + (SELECT count(*) FROM audit_log a WHERE strpos(a::text, $1) > 0)
            """, owner);
        search.Parameters.Add(new NpgsqlParameter { Value = token });
        Assert.Equal(0L, (long)(await search.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task AKeyIsFreeAgainAfterTheWindow()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        var first = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("EARLY"), headers: Key("expires-1"));
        Assert.Equal(200, first.Status);

        // A day passes for this key alone: its answer and its records are moved back past the 24-hour window.
        await using (var owner = new NpgsqlConnection(app.Settings.ConnectionString))
        {
            await owner.OpenAsync();
            await using var age = new NpgsqlCommand("""
                WITH answer AS (UPDATE idempotent_answers SET at = at - interval '25 hours' WHERE key_hash = $1 RETURNING 1)
                UPDATE audit_log SET at = at - interval '25 hours' WHERE idempotency_key = $1
                """, owner);
            age.Parameters.Add(new NpgsqlParameter { Value = Convert.FromHexString(Assert.Single(await RecordsOfAsync(first)).Key!) });
            await age.ExecuteNonQueryAsync();
        }

        var later = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("LATE"), headers: Key("expires-1"));
        var replayOfLater = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("LATE"), headers: Key("expires-1"));

        Assert.Equal((200, null), (later.Status, later.Header(IdempotencyKeyHeader.Replayed)));
        Assert.Equal((later.Body.GetRawText(), "true"), (replayOfLater.Body.GetRawText(), replayOfLater.Header(IdempotencyKeyHeader.Replayed)));
        Assert.Equal(["EARLY", "LATE"], (await Api.GetAsync(path, account.ReadToken)).Names().Order());
    }

    [Fact]
    public async Task AChangeWhoseAnswerWasNotKeptIsNeitherAppliedAgainNorReplayed()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        var first = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("LOST_ANSWER"), headers: Key("lost-1"));

        // As if the gateway had stopped after the commit, before it kept the answer: only the trail knows the key.
        await using (var owner = new NpgsqlConnection(app.Settings.ConnectionString))
        {
            await owner.OpenAsync();
            await using var forget = new NpgsqlCommand("DELETE FROM idempotent_answers WHERE key_hash = $1", owner);
            forget.Parameters.Add(new NpgsqlParameter { Value = Convert.FromHexString(Assert.Single(await RecordsOfAsync(first)).Key!) });
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }

        var again = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("LOST_ANSWER"), headers: Key("lost-1"));

        Assert.Equal((409, 1003, "idempotency_answer_not_kept"), (again.Status, again.ErrorCode, again.ErrorToken));
        Assert.Contains(first.Header("x-request-id")!, again.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(["LOST_ANSWER"], (await Api.GetAsync(path, account.ReadToken)).Names());
    }

    private async Task<List<(string Principal, string? Key, string? Request)>> RecordsOfAsync(ApiResponse answer)
    {
        await using var select = Trail.CreateCommand("SELECT principal, idempotency_key, idempotency_request FROM audit_log WHERE request_id = $1 ORDER BY seq");
        select.Parameters.Add(new NpgsqlParameter { Value = answer.Header("x-request-id") });
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<(string, string?, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : Convert.ToHexString((byte[])reader[1]), reader.IsDBNull(2) ? null : Convert.ToHexString((byte[])reader[2])));
        }

        return rows;
    }
}
