using SecretsStore.Tests.Http;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// A bit of everything against a running service, with values and tokens unique to this run: creates, a patch, a
/// duplicate, value reads, a delete, and the refusals (bad input, conflict, no credential, unknown credential, wrong
/// route, quota). Telemetry tests then look for its traces, and for its secrets where they must not be.
/// </summary>
public sealed record SecretWorkload(TestAccount Account, string StoreId, string ServiceToken, string Value, string PatchedValue)
{
    /// <summary>What must never appear in a log line, span or metric: the values and every credential in play.</summary>
    public IEnumerable<string> Secrets(TestHostSettings settings) =>
        [Value, PatchedValue, Account.WriteToken, Account.ReadToken, ServiceToken, settings.AdminToken, settings.MasterKey];

    public static async Task<SecretWorkload> RunAsync(ApiClient api, TestHostSettings settings)
    {
        var value = $"canary-value-{Guid.NewGuid():N}";
        var patched = $"canary-patched-{Guid.NewGuid():N}";
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
        var store = await api.CreateStoreAsync(account);
        var secrets = $"{account.Base}/stores/{store}/secrets";

        var secret = await api.CreateSecretAsync(account, store, "CANARY", value);
        var path = $"{secrets}/{secret.GetProperty("id").GetString()}";
        Expect(200, await api.PatchAsync(path, account.WriteToken, new { value = patched }));
        var copy = await api.PostAsync($"{path}/duplicate", account.WriteToken, new { name = "COPY", scopes = new[] { "workers" } });
        Expect(200, copy);

        // The value route hands the value out, and the grain that opens it logs and traces nothing of it.
        var serviceToken = (await AppFixture.NewServiceAsync(api, settings.AdminToken, ["workers"], [account.Id])).Token;
        var system = $"/client/v4/system/accounts/{account.Id}/stores/{store}/secrets";
        Assert.Equal(patched, (await api.GetAsync($"{system}/{secret.GetProperty("id").GetString()}/value", serviceToken)).Result.GetProperty("value").GetString());
        Assert.Equal(patched, (await api.GetAsync($"{system}/by-name/COPY/value", serviceToken)).Result.GetProperty("value").GetString());
        Expect(404, await api.GetAsync($"{system}/by-name/MISSING/value", serviceToken));
        Expect(202, await api.DeleteAsync($"{secrets}/{copy.Result.GetProperty("id").GetString()}", account.WriteToken));

        // Refusals carry the value too: a bad scope, a duplicate name, a read token, a malformed body.
        Expect(400, await api.PostAsync(secrets, account.WriteToken, new[] { new { name = "X", value, scopes = new[] { "mars" } } }));
        Expect(409, await api.PostAsync(secrets, account.WriteToken, new[] { new { name = "CANARY", value, scopes = new[] { "workers" } } }));
        Expect(403, await api.PostAsync(secrets, account.ReadToken, new[] { new { name = "Y", value, scopes = new[] { "workers" } } }));
        Expect(400, await api.PostAsync(secrets, account.WriteToken, $"[{{\"name\":\"Z\",\"value\":\"{value}\""));
        Expect(403, await api.GetAsync($"{system}/by-name/CANARY/value", account.WriteToken));
        Expect(401, await api.GetAsync(secrets, $"{account.WriteToken}x"));
        Expect(400, await api.GetAsync(secrets, token: null));
        // The default quota is one store per account.
        Expect(400, await api.PostAsync($"{account.Base}/stores", account.WriteToken, new { name = "second" }));
        return new SecretWorkload(account, store, serviceToken, value, patched);
    }

    private static void Expect(int status, ApiResponse response) =>
        Assert.True(response.Status == status, $"expected {status}, got {response.Status}: {response.Body}");
}
