using SecretsStore.Api.Idempotency;
using SecretsStore.Tests.Clients;
using SecretsStore.Tests.Faults;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;
using static SecretsStore.Tests.Keys.RotationWorld;

namespace SecretsStore.Tests.Pooler;

/// <summary>
/// The service served through PgBouncer in transaction pooling (issue 22, part 2): a silo whose connection strings,
/// the runtime's and the owner's, both point at PgBouncer, so that migrations, every route family, the group commit
/// under concurrent writers and a key rotation's re-wrap all run with no session of their own. The whole HTTP and
/// client suite runs through it on demand (<see cref="SharedPgBouncer.EnvironmentVariable"/>, tests/README.md); these
/// tests are the part of it that runs in every CI run.
/// </summary>
public sealed class ThroughPgBouncerTests(ThroughPgBouncerTests.Fixture app, ITestOutputHelper output) : IClassFixture<ThroughPgBouncerTests.Fixture>
{
    /// <summary>The app of <see cref="AppFixture"/>, its database created empty and migrated by the silo through PgBouncer.</summary>
    public sealed class Fixture : AppFixture
    {
        protected override async Task<TestHostSettings> SettingsAsync() => await SettingsThroughPgBouncerAsync("pgbouncer");
    }

    private ApiClient Api => app.Api;

    [Theory]
    [InlineData("sdk-conformance.test.mjs")]
    [InlineData("system-routes.test.mjs")]
    public async Task TheClientSuitePassesThroughPgBouncer(string suite)
    {
        Assert.True(SharedPgBouncer.Routes(app.Settings.RuntimeConnectionString));
        await ClientSuite.AssertPassesAsync(suite, await CloudflareSdkTests.ProvisionAsync(app), TimeSpan.FromMinutes(3), output);
    }

    [Fact]
    public async Task EveryRouteFamilyAnswersThroughPgBouncer()
    {
        var account = await app.NewAccountAsync();
        Assert.Equal(200, (await Api.GetAsync("/client/v4/user/tokens/verify", account.WriteToken)).Status);
        var store = await Api.CreateStoreAsync(account, "pooled");
        Assert.Equal(200, (await Api.GetAsync($"{account.Base}/stores/{store}", account.ReadToken)).Status);
        var secrets = $"{account.Base}/stores/{store}/secrets";

        // Bulk create, list, get, patch, duplicate, bulk delete.
        var created = await Api.PostAsync(secrets, account.WriteToken,
            Enumerable.Range(0, 5).Select(i => new { name = $"BULK_{i}", value = $"bulk-{i}", scopes = new[] { "workers" } }).ToArray());
        Assert.Equal(200, created.Status);
        var ids = created.Result.EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Equal(5, (await Api.GetAsync($"{secrets}?per_page=100", account.ReadToken)).Names().Count);
        Assert.Equal(200, (await Api.PatchAsync($"{secrets}/{ids[0]}", account.WriteToken, new { value = "patched", comment = "through the pooler" })).Status);
        var copy = await Api.PostAsync($"{secrets}/{ids[0]}/duplicate", account.WriteToken, new { name = "COPY", scopes = new[] { "workers" } });
        Assert.Equal(200, copy.Status);
        Assert.Equal(202, (await Api.DeleteAsync(secrets, account.WriteToken, new { ids = ids.Skip(3).ToArray() })).Status);
        Assert.Equal(202, (await Api.DeleteAsync($"{secrets}/{ids[2]}", account.WriteToken)).Status);

        // Value reads by a service, by id and by name.
        var reader = await app.NewServiceAsync(accounts: [account.Id]);
        Assert.Equal("patched", await Api.ReadValueAsync(reader, account.Id, store, copy.Result.GetProperty("id").GetString()!));
        var byName = await Api.GetAsync($"{TestService.Base(account.Id)}/stores/{store}/secrets/by-name/BULK_1/value", reader.Token);
        Assert.Equal("bulk-1", byName.Result.GetProperty("value").GetString());

        // Admin: tokens, keys, services, quota, accounts.
        var token = await Api.PostAsync($"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken, new { name = "pooled", permission = "read" });
        Assert.Equal(200, token.Status);
        Assert.Equal(200, (await Api.DeleteAsync($"/admin/v1/accounts/{account.Id}/tokens/{token.Result.GetProperty("id").GetString()}", app.AdminToken)).Status);
        var (email, key) = await app.NewKeyAsync(account.Id);
        Assert.Equal(200, (await Api.SendAsync(HttpMethod.Get, $"{account.Base}/stores", null,
            headers: new Dictionary<string, string> { ["X-Auth-Email"] = email, ["X-Auth-Key"] = key })).Status);
        Assert.Equal(200, (await Api.PostAsync($"/admin/v1/services/{reader.Name}/token", app.AdminToken, null)).Status);
        Assert.Equal(200, (await Api.GetAsync("/admin/v1/services", app.AdminToken)).Status);
        Assert.Equal(200, (await Api.PatchAsync($"/admin/v1/accounts/{account.Id}/quota", app.AdminToken, new { secrets = 500, stores = 5 })).Status);
        var quota = await Api.GetAsync($"{account.Base}/quota", account.ReadToken);
        Assert.Equal(3, quota.Result.GetProperty("secrets").GetProperty("usage").GetInt32());
        Assert.Equal(200, (await Api.GetAsync("/admin/v1/keys", app.AdminToken)).Status);

        // The trail holds every change above, for the account and for the operator.
        var trail = await Api.GetAsync($"{account.Base}/audit?per_page=100", account.ReadToken);
        Assert.Equal(200, trail.Status);
        Assert.True(trail.Result.GetArrayLength() >= 8, trail.Body.GetRawText());
        Assert.Equal(200, (await Api.GetAsync($"/admin/v1/audit?account_id={account.Id}&per_page=10", app.AdminToken)).Status);

        // A repeated Idempotency-Key replays its first answer; its fingerprint and kept answer are written through the pooler.
        var keyed = new Dictionary<string, string> { [IdempotencyKeyHeader.Name] = Guid.NewGuid().ToString() };
        object[] body = [new { name = "KEYED", value = "once", scopes = new[] { "workers" } }];
        var first = await Api.SendAsync(HttpMethod.Post, secrets, account.WriteToken, body, headers: keyed);
        var again = await Api.SendAsync(HttpMethod.Post, secrets, account.WriteToken, body, headers: keyed);
        Assert.Equal((200, first.Body.GetRawText(), "true"), (again.Status, again.Body.GetRawText(), again.Header(IdempotencyKeyHeader.Replayed)));

        // A store with secrets is kept (409); an empty one is deleted.
        Assert.Equal(409, (await Api.DeleteAsync($"{account.Base}/stores/{store}", account.WriteToken)).Status);
        var empty = await Api.CreateStoreAsync(account, "empty");
        Assert.Equal(200, (await Api.DeleteAsync($"{account.Base}/stores/{empty}", account.WriteToken)).Status);
    }

    [Fact]
    public async Task SixteenConcurrentWritersShareFewerServerConnectionsAndLoseNothing()
    {
        var (account, stores) = await ClusterUnderLoad.PrepareAsync(app.App.BaseAddress, app.AdminToken);
        var load = WriteLoad.Start([app.App.BaseAddress], account, stores, writers: 16);
        // A load of a few seconds, not a wait for something: the figures below hold for whatever it managed.
        await Task.Delay(TimeSpan.FromSeconds(4));
        await load.StopAsync(grace: TimeSpan.FromSeconds(45));
        output.WriteLine(load.Summary());
        Assert.True(load.Acknowledged.Count() > 100, load.Summary());

        var figures = await FaultFigures.MeasureAsync("16 writers through PgBouncer", app.Settings.ConnectionString, account, load, TimeSpan.Zero);
        figures.AssertNothingFailedOrLost();
        await ClusterUnderLoad.AssertNothingAcknowledgedIsLostAndUsageIsExactAsync(app.Settings.ConnectionString, account, load);
    }

    [Fact]
    public async Task AKeyRotationReWrapsEveryStoreThroughPgBouncer()
    {
        var (oldKey, newKey) = (NewKey(), NewKey());
        var settings = await SettingsThroughPgBouncerAsync("pgbouncerrotate") with { MasterKey = oldKey };
        TestAccount account;
        System.Collections.Concurrent.ConcurrentBag<Keys.WrittenSecret> written;
        await using (var first = await TestHost.StartAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            (account, written) = await SeedAsync(new ApiClient(http), settings.AdminToken, stores: 12);
        }

        await using var second = await TestHost.StartAsync(settings with { MasterKey = newKey },
            $"--SecretsStore:MasterKeys:0={oldKey}", "--SecretsStore:KeyRotation:BatchSize=5");
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        var api = new ApiClient(client);
        var rotated = await api.PostAsync("/admin/v1/keys/rotate", settings.AdminToken, null);
        Assert.True(rotated.Status == 200, $"rotate answered {rotated.Status}: {rotated.Body}");
        await WaitUntilAsync(async () => await StateOfAsync(settings.ConnectionString, oldKey) == "retired", TimeSpan.FromSeconds(60), "the old key is retired");

        await AssertEveryValueOpensWithAsync(settings.ConnectionString, written, newKey);
        await AssertServiceReadsEveryValueAsync(api, settings.AdminToken, account, written);
    }

    /// <summary>
    /// A fresh, empty database of the shared server, with both logins through the shared PgBouncer: the silo migrates
    /// it through the pooler at start.
    /// </summary>
    private static async Task<TestHostSettings> SettingsThroughPgBouncerAsync(string prefix)
    {
        var bouncer = await SharedPgBouncer.InstanceAsync();
        var owner = await SharedPostgres.CreateEmptyDatabaseAsync(prefix);
        return TestHostSettings.For(bouncer.Route(owner), bouncer.Route(SharedPostgres.RuntimeConnectionStringFor(owner)));
    }
}
