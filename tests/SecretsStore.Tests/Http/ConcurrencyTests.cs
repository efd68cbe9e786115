using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

[Collection(AppCollection.Name)]
public sealed class ConcurrencyTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    [Fact]
    public async Task FiftyParallelCreatesOfOneNameGiveExactlyOneSuccess()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken,
                new[] { new { name = "RACE", value = $"v{i}", scopes = new[] { "workers" } } })));

        Assert.Single(attempts, a => a.Status == 200);
        Assert.All(attempts.Where(a => a.Status != 200), a => Assert.Equal((409, "secret_name_already_exists: RACE"), (a.Status, a.ErrorMessage)));
        Assert.Equal(["RACE"], (await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Names());
    }

    [Fact]
    public async Task ParallelSecretCreatesAcrossStoresNeverExceedTheQuota()
    {
        var account = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, 10, 3);
        var stores = new[] { await Api.CreateStoreAsync(account), await Api.CreateStoreAsync(account), await Api.CreateStoreAsync(account) };

        var attempts = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Api.PostAsync($"{account.Base}/stores/{stores[i % 3]}/secrets", account.WriteToken,
                new[] { new { name = $"S{i}", value = "v", scopes = new[] { "workers" } } })));

        Assert.Equal(10, attempts.Count(a => a.Status == 200));
        Assert.All(attempts.Where(a => a.Status != 200), a => Assert.Equal("maximum_secrets_exceeded", a.ErrorToken));
        var quota = await Api.GetAsync($"{account.Base}/quota", account.ReadToken);
        Assert.Equal(10, quota.Result.GetProperty("secrets").GetProperty("usage").GetInt32());
        var total = 0;
        foreach (var store in stores)
        {
            total += (await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Result.GetArrayLength();
        }

        Assert.Equal(10, total);
    }

    [Fact]
    public async Task ParallelStoreCreatesAtTheQuotaBoundaryNeverExceedIt()
    {
        var account = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, null, 3);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Api.PostAsync($"{account.Base}/stores", account.WriteToken, new { name = $"store{i}" })));

        Assert.Equal(3, attempts.Count(a => a.Status == 200));
        Assert.All(attempts.Where(a => a.Status != 200), a => Assert.Equal("maximum_stores_exceeded", a.ErrorToken));
        Assert.Equal(3, (await Api.GetAsync($"{account.Base}/stores", account.ReadToken)).Result.GetArrayLength());
    }
}
