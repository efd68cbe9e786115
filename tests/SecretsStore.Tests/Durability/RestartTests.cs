using System.Text.Json;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Durability;

/// <summary>Stop the silo, start it again on the same database: everything acknowledged is back.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task EveryStoreSecretValueAndCounterIsBackAfterARestart()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("restart"));
        TestAccount account;
        string before;
        List<string> storeIds = [];
        var secretIds = new List<(string Store, string Secret, string Value)>();

        await using (var first = await TestHost.StartAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            var api = new ApiClient(http);
            account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
            await api.PutAsync($"/admin/v1/accounts/{account.Id}/quota", settings.AdminToken, new { secrets = 20, stores = 2 });
            for (var s = 0; s < 2; s++)
            {
                var store = await api.CreateStoreAsync(account, $"store{s}");
                storeIds.Add(store);
                for (var i = 0; i < 3; i++)
                {
                    var value = $"value-{s}-{i}-{Guid.NewGuid():N}";
                    var secret = await api.CreateSecretAsync(account, store, $"S{i}", value, ["workers", "dex"], comment: i == 0 ? null : $"c{i}");
                    secretIds.Add((store, secret.GetProperty("id").GetString()!, value));
                }
            }

            before = await SnapshotAsync(api, account, storeIds);
        }

        await using var second = await TestHost.StartAsync(settings);
        using var again = new HttpClient { BaseAddress = second.BaseAddress };
        var restarted = new ApiClient(again);
        Assert.Equal(before, await SnapshotAsync(restarted, account, storeIds));

        var reader = await AppFixture.NewServiceAsync(restarted, settings.AdminToken);
        foreach (var (store, secret, value) in secretIds)
        {
            // Every value came back intact.
            var path = $"{account.Base}/stores/{store}/secrets/{secret}";
            Assert.Equal(value, await restarted.ReadValueAsync(reader, account.Id, store, secret));

            var copy = await restarted.PostAsync($"{path}/duplicate", account.WriteToken, new { name = $"COPY_{secret}", scopes = new[] { "workers" } });
            Assert.Equal(200, copy.Status);
        }

        var quota = await restarted.GetAsync($"{account.Base}/quota", account.ReadToken);
        Assert.Equal(12, quota.Result.GetProperty("secrets").GetProperty("usage").GetInt32());
    }

    private static async Task<string> SnapshotAsync(ApiClient api, TestAccount account, IEnumerable<string> storeIds)
    {
        var parts = new List<string>
        {
            (await api.GetAsync($"{account.Base}/stores?order=name&direction=asc", account.ReadToken)).Result.GetRawText(),
            (await api.GetAsync($"{account.Base}/quota", account.ReadToken)).Result.GetRawText(),
        };
        foreach (var store in storeIds)
        {
            parts.Add((await api.GetAsync($"{account.Base}/stores/{store}/secrets?order=name&direction=asc", account.ReadToken)).Result.GetRawText());
        }

        return JsonSerializer.Serialize(parts);
    }
}
