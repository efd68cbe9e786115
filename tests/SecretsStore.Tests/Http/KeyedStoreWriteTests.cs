using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Core.Internal;
using SecretsStore.Api.Idempotency;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>
/// docs/api.md, "Idempotency-Key", for the writes of a store's secrets, which the store's grain decides inside its own
/// commit: the answer row commits in the change's transaction (a failed commit leaves none), a store whose grain
/// activates again still replays, a key used on another store is 422 there, two copies of one key at once apply once,
/// a write refused before its store is kept by the gateway, and a repeat refused as in use is recorded with the key's hash.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class KeyedStoreWriteTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    private static Dictionary<string, string> Key(string key) => new() { [IdempotencyKeyHeader.Name] = key };

    private static string Secrets(params string[] names) =>
        JsonSerializer.Serialize(names.Select(n => new { name = n, value = "v", scopes = new[] { "workers" } }));

    [Fact]
    public async Task TheAnswerCommitsWithTheChangeAndAFailedCommitLeavesNone()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        var principal = await PrincipalOfAsync(await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("WARM"), headers: Key("warm")));
        var keyHash = IdempotencyFingerprint.KeyHash(principal, "fails-once");
        var refused = $"FAILS_{Guid.NewGuid():N}"[..20].ToUpperInvariant();

        // The secrets table refuses this one name, so the commit of its create fails whole.
        await OwnerAsync($"""
            CREATE FUNCTION test_refuse_{refused}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER test_refuse_{refused} BEFORE INSERT ON secrets FOR EACH ROW WHEN (NEW.name = '{refused}') EXECUTE FUNCTION test_refuse_{refused}();
            """);
        ApiResponse failed;
        try
        {
            failed = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets(refused), headers: Key("fails-once"));
        }
        finally
        {
            await OwnerAsync($"DROP TRIGGER test_refuse_{refused} ON secrets; DROP FUNCTION test_refuse_{refused}();");
        }

        Assert.Equal(503, failed.Status);
        Assert.Null(await AnswerRowAsync(keyHash));
        var applied = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets(refused), headers: Key("fails-once"));

        Assert.Equal((200, null), (applied.Status, applied.Header(IdempotencyKeyHeader.Replayed)));
        Assert.Equal((Guid.ParseExact(store, "N"), (short)1), await AnswerRowAsync(keyHash));
        Assert.Equal(new[] { "WARM", refused }.Order(), (await Api.GetAsync(path, account.ReadToken)).Names().Order());
    }

    [Fact]
    public async Task AStoreWhoseGrainActivatesAgainReplaysTheFirstAnswer()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        var first = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("ONCE"), headers: Key("reactivated-1"));
        var patched = await Api.SendAsync(
            HttpMethod.Patch, $"{path}/{first.Result[0].GetProperty("id").GetString()}", account.WriteToken, """{"comment":"c"}""", headers: Key("reactivated-2"));

        var grains = app.App.Web.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IStoreGrain>(Guid.ParseExact(store, "N")).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var again = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("ONCE"), headers: Key("reactivated-1"));
        var patchedAgain = await Api.SendAsync(
            HttpMethod.Patch, $"{path}/{first.Result[0].GetProperty("id").GetString()}", account.WriteToken, """{"comment":"c"}""", headers: Key("reactivated-2"));

        Assert.Equal((200, 200), (first.Status, patched.Status));
        Assert.Equal((200, first.Body.GetRawText(), "true"), (again.Status, again.Body.GetRawText(), again.Header(IdempotencyKeyHeader.Replayed)));
        Assert.Equal((200, patched.Body.GetRawText(), "true"), (patchedAgain.Status, patchedAgain.Body.GetRawText(), patchedAgain.Header(IdempotencyKeyHeader.Replayed)));
        Assert.Equal(["ONCE"], (await Api.GetAsync(path, account.ReadToken)).Names());
    }

    [Fact]
    public async Task AKeyUsedOnAnotherStoreIs422ThereAndChangesNothing()
    {
        var account = await app.NewAccountAsync();
        Assert.Equal(200, (await Api.SendAsync(HttpMethod.Patch, $"/admin/v1/accounts/{account.Id}/quota", app.AdminToken, new { stores = 2 })).Status);
        var (one, other) = (await Api.CreateStoreAsync(account), await Api.CreateStoreAsync(account, "other"));
        var first = await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores/{one}/secrets", account.WriteToken, Secrets("SAME"), headers: Key("two-stores"));

        var elsewhere = await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores/{other}/secrets", account.WriteToken, Secrets("SAME"), headers: Key("two-stores"));
        var replay = await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores/{one}/secrets", account.WriteToken, Secrets("SAME"), headers: Key("two-stores"));

        Assert.Equal(200, first.Status);
        Assert.Equal((422, 1001, "idempotency_key_reused"), (elsewhere.Status, elsewhere.ErrorCode, elsewhere.ErrorToken));
        Assert.Empty((await Api.GetAsync($"{account.Base}/stores/{other}/secrets", account.ReadToken)).Names());
        Assert.Equal((first.Body.GetRawText(), "true"), (replay.Body.GetRawText(), replay.Header(IdempotencyKeyHeader.Replayed)));
    }

    [Fact]
    public async Task TwoCopiesOfOneKeyAtOnceApplyOnce()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";

        for (var round = 0; round < 5; round++)
        {
            var copies = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
                Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets($"TWICE_{round}"), headers: Key($"twice-{round}"))));

            var applied = Assert.Single(copies, c => c.Status == 200 && c.Header(IdempotencyKeyHeader.Replayed) is null);
            var repeat = Assert.Single(copies, c => !ReferenceEquals(c, applied));
            if (repeat.Status == 200)
            {
                Assert.Equal((applied.Body.GetRawText(), "true"), (repeat.Body.GetRawText(), repeat.Header(IdempotencyKeyHeader.Replayed)));
            }
            else
            {
                Assert.Equal((409, "idempotency_key_in_use", "1"), (repeat.Status, repeat.ErrorToken, repeat.Header("Retry-After")));
            }
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(r => $"TWICE_{r}"), (await Api.GetAsync(path, account.ReadToken)).Names().Order());
    }

    [Fact]
    public async Task AWriteRefusedBeforeItsStoreIsKeptByTheGatewayAsOnEveryRoute()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";

        var malformed = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, "[{", headers: Key("malformed-1"));
        var again = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, "[{", headers: Key("malformed-1"));
        var other = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("VALID"), headers: Key("malformed-1"));

        Assert.Equal(400, malformed.Status);
        Assert.Equal((400, malformed.Body.GetRawText(), "true"), (again.Status, again.Body.GetRawText(), again.Header(IdempotencyKeyHeader.Replayed)));
        Assert.Equal((422, "idempotency_key_reused"), (other.Status, other.ErrorToken));
        Assert.Empty((await Api.GetAsync(path, account.ReadToken)).Names());
    }

    [Fact]
    public async Task AnAnswerTheGatewayRenderedAndKeptForTheSameRequestIsReplayedAsKept()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        var principal = await PrincipalOfAsync(await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("WARM"), headers: Key("warm")));
        var body = Secrets("KEPT_BEFORE");
        var requestHash = IdempotencyFingerprint.RequestHash(principal, "kept-before", "POST", path, Encoding.UTF8.GetBytes(body));
        const string rendered = """{"success":true,"errors":[],"messages":[],"result":[{"id":"kept-by-the-gateway"}]}""";

        // As the gateway kept a secret create's answer before the store's grain decided its keys (format 0, rendered).
        await using (var owner = new NpgsqlConnection(app.Settings.ConnectionString))
        {
            await owner.OpenAsync();
            await using var keep = new NpgsqlCommand("INSERT INTO idempotent_answers (key_hash, request_hash, at, sealed) VALUES ($1, $2, now(), $3)", owner);
            keep.Parameters.Add(new NpgsqlParameter { Value = IdempotencyFingerprint.KeyHash(principal, "kept-before") });
            keep.Parameters.Add(new NpgsqlParameter { Value = requestHash });
            keep.Parameters.Add(new NpgsqlParameter { Value = AnswerSeal.Seal(principal, "kept-before", requestHash, 200, Encoding.UTF8.GetBytes(rendered)) });
            await keep.ExecuteNonQueryAsync();
        }

        var again = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, body, headers: Key("kept-before"));

        Assert.Equal((200, rendered, "true"), (again.Status, again.Body.GetRawText(), again.Header(IdempotencyKeyHeader.Replayed)));
        Assert.Equal(["WARM"], (await Api.GetAsync(path, account.ReadToken)).Names());
    }

    [Fact]
    public async Task ARepeatRefusedAsInUseIsRecordedWithTheKeysHash()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";
        await using var owner = new NpgsqlConnection(app.Settings.ConnectionString);
        await owner.OpenAsync();
        var holding = await owner.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM stores WHERE id = $1 FOR UPDATE", owner, holding))
        {
            lockRow.Parameters.Add(new NpgsqlParameter { Value = Guid.ParseExact(store, "N") });
            await lockRow.ExecuteNonQueryAsync();
        }

        var running = Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("HELD"), headers: Key("held-1"));
        await LockWaits.UntilAWriteWaitsForALockAsync(owner, holding, running);
        var repeat = await Api.SendAsync(HttpMethod.Post, path, account.WriteToken, Secrets("HELD"), headers: Key("held-1"));
        await holding.RollbackAsync();
        var first = await running;

        Assert.Equal((200, 409), (first.Status, repeat.Status));
        var principal = await PrincipalOfAsync(first);
        await using var select = new NpgsqlCommand("SELECT code, error, idempotency_key FROM audit_log WHERE request_id = $1", owner);
        select.Parameters.Add(new NpgsqlParameter { Value = repeat.Header("x-request-id") });
        await using var reader = await select.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((1003, "idempotency_key_in_use"), (reader.GetInt32(0), reader.GetString(1)));
        Assert.Equal(IdempotencyFingerprint.KeyHash(principal, "held-1"), (byte[])reader[2]);
    }

    private async Task<string> PrincipalOfAsync(ApiResponse answer)
    {
        await using var owner = new NpgsqlConnection(app.Settings.ConnectionString);
        await owner.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT principal FROM audit_log WHERE request_id = $1 LIMIT 1", owner);
        select.Parameters.Add(new NpgsqlParameter { Value = answer.Header("x-request-id") });
        return (string)(await select.ExecuteScalarAsync())!;
    }

    private async Task<(Guid? StoreId, short Format)?> AnswerRowAsync(byte[] keyHash)
    {
        await using var owner = new NpgsqlConnection(app.Settings.ConnectionString);
        await owner.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT store_id, format FROM idempotent_answers WHERE key_hash = $1", owner);
        select.Parameters.Add(new NpgsqlParameter { Value = keyHash });
        await using var reader = await select.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetInt16(1)) : null;
    }

    private async Task OwnerAsync(string sql)
    {
        await using var owner = new NpgsqlConnection(app.Settings.ConnectionString);
        await owner.OpenAsync();
        await using var command = new NpgsqlCommand(sql, owner);
        await command.ExecuteNonQueryAsync();
    }
}
