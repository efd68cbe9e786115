using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Audit;

/// <summary>
/// The value route for every kind of caller and every way a service may (or may not) reach a secret, written through
/// one silo and read through the other. Every answer, allowed or refused, has its audit record.
/// </summary>
[Collection(TwoSiloCollection.Name)]
public sealed class ValueRouteTests(TwoSiloFixture silos)
{
    /// <summary>An account store with a workers and an ai_gateway secret, and a store managed by a service, with a dex and a workers secret.</summary>
    private sealed record World(
        TestAccount Account, string Email, string Key, TestService Owner, TestService Workers, TestService Scopeless,
        string PlainStore, string ManagedStore, Dictionary<string, (string Store, string Id, string Value)> Secrets);

    private async Task<World> CreateWorldAsync()
    {
        var account = await silos.NewAccountAsync();
        var email = $"ops-{Guid.NewGuid():N}@example.test";
        var key = (await silos.A.PostAsync($"/admin/v1/accounts/{account.Id}/keys", silos.AdminToken, new { email })).Result.GetProperty("key").GetString()!;
        var owner = await silos.NewServiceAsync();
        var workers = await silos.NewServiceAsync("workers");
        var scopeless = await silos.NewServiceAsync();
        var plain = await silos.A.CreateStoreAsync(account);
        var managed = (await silos.A.PostAsync($"{TestService.Base(account.Id)}/stores", owner.Token, new { name = "managed", account_id = 7 }))
            .Result.GetProperty("id").GetString()!;

        var secrets = new Dictionary<string, (string, string, string)>();
        async Task AddAsync(string name, string store, string scope, string token, string routes)
        {
            var value = $"value-of-{name}-{Guid.NewGuid():N}";
            var created = await silos.A.PostAsync($"{routes}/stores/{store}/secrets", token, new[] { new { name, value, scopes = new[] { scope } } });
            Assert.True(created.Status == 200, created.Body.GetRawText());
            secrets[name] = (store, created.Result[0].GetProperty("id").GetString()!, value);
        }

        await AddAsync("PLAIN_WORKERS", plain, "workers", account.WriteToken, account.Base);
        await AddAsync("PLAIN_GATEWAY", plain, "ai_gateway", account.WriteToken, account.Base);
        await AddAsync("MANAGED_DEX", managed, "dex", owner.Token, TestService.Base(account.Id));
        await AddAsync("MANAGED_WORKERS", managed, "workers", owner.Token, TestService.Base(account.Id));
        return new World(account, email, key, owner, workers, scopeless, plain, managed, secrets);
    }

    [Fact]
    public async Task EachCallerReadsExactlyTheValuesItMayThroughEitherSiloAndEveryAnswerIsAudited()
    {
        var world = await CreateWorldAsync();
        var services = new Dictionary<string, TestService> { ["owner"] = world.Owner, ["workers"] = world.Workers, ["scopeless"] = world.Scopeless };
        // Who may read what: the owner everything in its store, whatever the scopes; a consumer what its scopes reach, in any store.
        var allowed = new HashSet<(string, string)>
        {
            ("owner", "MANAGED_DEX"), ("owner", "MANAGED_WORKERS"), ("workers", "PLAIN_WORKERS"), ("workers", "MANAGED_WORKERS"),
        };
        var failures = new List<string>();
        foreach (var (callerName, service) in services)
        {
            foreach (var (secretName, (store, id, value)) in world.Secrets)
            {
                var byId = await silos.B.GetAsync($"{TestService.Base(world.Account.Id)}/stores/{store}/secrets/{id}/value", service.Token);
                var byName = await silos.B.GetAsync($"{TestService.Base(world.Account.Id)}/stores/{store}/secrets/by-name/{secretName}/value", service.Token);
                foreach (var (how, response) in new[] { ("id", byId), ("name", byName) })
                {
                    var expected = allowed.Contains((callerName, secretName));
                    var got = response.Status == 200
                        ? $"200 {response.Result.GetProperty("id").GetString()} {response.Result.GetProperty("name").GetString()} {response.Result.GetProperty("value").GetString()}"
                        : $"{response.Status} {response.ErrorMessage}";
                    var want = expected ? $"200 {id} {secretName} {value}" : "404 secret_not_found";
                    if (got != want)
                    {
                        failures.Add($"{callerName} reading {secretName} by {how}: {got}, expected {want}");
                    }

                    Assert.Equal("no-store", response.Header("Cache-Control"));
                    await AssertAuditedAsync(response, $"service:{service.Name}", expected ? "allowed" : "refused");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task AccountPrincipalsAndTheOperatorAreRefused403AndAudited()
    {
        var world = await CreateWorldAsync();
        var (store, id, value) = world.Secrets["PLAIN_WORKERS"];
        var path = $"{TestService.Base(world.Account.Id)}/stores/{store}/secrets/{id}/value";
        var keyHeaders = new Dictionary<string, string> { ["X-Auth-Email"] = world.Email, ["X-Auth-Key"] = world.Key };
        var cases = new (string Principal, Task<ApiResponse> Call)[]
        {
            ($"token:", silos.B.GetAsync(path, world.Account.WriteToken)),
            ($"token:", silos.B.GetAsync(path, world.Account.ReadToken)),
            ($"key:{world.Email}", silos.B.SendAsync(HttpMethod.Get, path, null, headers: keyHeaders)),
            ("operator", silos.B.GetAsync(path, silos.AdminToken)),
        };
        foreach (var (principal, call) in cases)
        {
            var response = await call;
            Assert.Equal((403, 9109), (response.Status, response.ErrorCode));
            Assert.DoesNotContain(value, response.Body.GetRawText());
            await AssertAuditedAsync(response, principal, "refused");
        }

        Assert.Equal((400, 9106), await StatusAsync(silos.B.GetAsync(path, null)));
        Assert.Equal((401, 10000), await StatusAsync(silos.B.GetAsync(path, "not-a-token")));
    }

    [Fact]
    public async Task MissingDeletedForeignAndMalformedTargetsAreRefusedWithTheEnvelopeAndAudited()
    {
        var world = await CreateWorldAsync();
        var other = await silos.NewAccountAsync();
        var otherStore = await silos.A.CreateStoreAsync(other);
        var otherSecret = (await silos.A.CreateSecretAsync(other, otherStore, "FOREIGN")).GetProperty("id").GetString();
        var (store, id, _) = world.Secrets["MANAGED_WORKERS"];
        var system = TestService.Base(world.Account.Id);
        var token = world.Owner.Token;

        Assert.Equal(202, (await silos.A.DeleteAsync($"{system}/stores/{store}/secrets/{id}", token)).Status);
        var cases = new (string Path, int Status, string Message)[]
        {
            ($"{system}/stores/{store}/secrets/{id}/value", 404, "secret_not_found"),                       // deleted
            ($"{system}/stores/{store}/secrets/by-name/MANAGED_WORKERS/value", 404, "secret_not_found"),    // deleted, by name
            ($"{system}/stores/{store}/secrets/{Guid.NewGuid():N}/value", 404, "secret_not_found"),          // never existed
            ($"{system}/stores/{Guid.NewGuid():N}/secrets/{id}/value", 404, "secret_not_found"),             // unknown store
            ($"{system}/stores/{otherStore}/secrets/{otherSecret}/value", 404, "secret_not_found"),          // another account's store
            ($"{system}/stores/not-a-store/secrets/{id}/value", 400, "invalid_id: store_id"),
            ($"{system}/stores/{store}/secrets/not-a-secret/value", 400, "invalid_id: secret_id"),
            ($"{system}/stores/{store}/secrets/by-name/has%20space/value", 400, "secret_name_invalid"),
        };
        foreach (var (path, status, message) in cases)
        {
            var response = await silos.B.GetAsync(path, token);
            Assert.True((status, message) == (response.Status, response.ErrorMessageStarting(message)), $"{path}: {response.Status} {response.Body}");
            Assert.False(response.Success);
            Assert.Equal(JsonValueKindNull, response.Result.ValueKind);
            await AssertAuditedAsync(response, $"service:{world.Owner.Name}", "refused");
        }
    }

    private static readonly System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    private static async Task<(int, int)> StatusAsync(Task<ApiResponse> call)
    {
        var response = await call;
        return (response.Status, response.ErrorCode);
    }

    /// <summary>The answer's request id names exactly one value-read record, with this principal and outcome.</summary>
    private async Task AssertAuditedAsync(ApiResponse response, string principal, string outcome)
    {
        var requestId = response.Header("x-request-id");
        Assert.False(string.IsNullOrEmpty(requestId), "the answer has no x-request-id");
        var rows = await silos.QueryAsync(
            $"SELECT action || '|' || principal || '|' || status || '|' || coalesce(error, 'allowed') FROM audit_log WHERE request_id = '{requestId}'");
        var row = Assert.Single(rows);
        var parts = row.Split('|');
        Assert.Equal("secret.read_value", parts[0]);
        Assert.StartsWith(principal, parts[1], StringComparison.Ordinal);
        Assert.Equal(response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[2]);
        Assert.Equal(outcome == "allowed", parts[3] == "allowed");
    }
}
